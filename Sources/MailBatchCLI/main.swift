import MailBatch

await MailBatchMain.main()

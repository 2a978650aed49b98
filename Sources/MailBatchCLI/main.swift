import MailBatch

MailBatchMain.main()

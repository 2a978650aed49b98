import Commands

await MailBatchMain.main()

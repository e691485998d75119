import MetaSAECLI

MetaSAE.main()

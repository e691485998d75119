import MetaSAECLI

MetaSAE.start()

// The gateway issue fills in configuration, wiring and the command line.
Console.Error.WriteLine("objectstore: the server is not wired up yet (see the gateway issue).");
return 2;

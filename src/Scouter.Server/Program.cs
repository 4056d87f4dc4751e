using Scouter.Server;

await using var app = ScouterServer.Build(args);
await app.RunAsync();

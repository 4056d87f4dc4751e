using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Scouter.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

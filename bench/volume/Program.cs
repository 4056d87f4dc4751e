// Read cost at volume against an embedded server (harness, server and database on one machine, so
// every figure is "server and database together"). For each replica count R: a fresh server on a
// fresh database, one PSI profile with F numeric features and one custom profile with M metrics,
// N days of hourly records from R client replicas posted to POST /api/v1/records in parallel
// batches (each record carries its own created_at), then GET /drift/psi and GET /drift/custom over
// the whole N days (a whole-hour window) and the PSI profile's first drift check
// (POST /profiles/{uid}/run), each timed once cold and then --repeat times. Usage:
//   dotnet run -c Release --project bench/volume [-- --days 30 --features 50 --replicas 4,16 --buckets 720 --repeat 5]
//     [--database-uri postgresql://... | --sqlite] [--align] [--metrics 3] [--parallel 4] [--schedule CRON]
// Without --database-uri or --sqlite each R gets a new database on the PostgreSQL server of
// --postgres (default postgresql://scouter:scouter@127.0.0.1:55432/postgres), dropped afterwards.
using Scouter.VolumeBench;

var settings = VolumeSettings.Parse(args);
Console.WriteLine(settings.Describe());
var results = new List<VolumeResult>();
foreach (var replicas in settings.Replicas)
{
    await using var database = await BenchDatabase.CreateAsync(settings);
    Console.WriteLine();
    Console.WriteLine($"== R = {replicas}: {database.Description}");
    results.Add(await VolumeRun.RunAsync(settings, replicas, database));
}
VolumeReport.Print(settings, results);
return 0;

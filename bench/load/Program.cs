using Scouter.Load;

// End-to-end ingestion load from one client process: N concurrent senders push PSI record batches
// for a fixed time, over HTTP (POST /api/v1/records; stored records/s from the 202 answers, which the
// server sends after commit) or through a broker (Kafka, RabbitMQ, Redis; stored records/s from the
// server's own counter, until everything published is stored). Starts its own server process
// unless --url is given (HTTP only).
//
//   dotnet run -c Release --project bench/load -- [--transport http|kafka|rabbitmq|redis] [--broker ADDRESS]
//       [--database-uri postgresql://...] [--senders 32] [--seconds 30] [--records 200] [--features 20]
//       [--url http://127.0.0.1:8000 --password P]
//       [--scenario header-flood --held 60 --declared-mib 60 --heap-limit-mib 512] (HTTP only; see HeaderFlood)
// Broker defaults: Kafka starts librdkafka's mock cluster in this process; RabbitMQ
// amqp://guest:guest@127.0.0.1:55672/ and Redis 127.0.0.1:56379 (scripts/services.sh).
var settings = LoadSettings.Parse(args);
return settings.Scenario == "header-flood" ? await HeaderFlood.RunAsync(settings)
    : settings.Transport == "http" ? await HttpLoad.RunAsync(settings)
    : await BrokerLoad.RunAsync(settings);

using System.CommandLine;
using Scouter.Cli.Demo;

namespace Scouter.Cli.Commands;

/// <summary>
/// <c>scouter demo</c>: starts an embedded server, registers PSI/SPC/custom profiles built from the
/// shipped training data, streams inferences through a <c>ScouterQueue</c>, runs the drift checks and
/// prints what was inserted, what the server stored, the drift results and the alerts.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var transport = new Option<string>("--transport")
        {
            Description = "Queue transport: http, or a broker the embedded server consumes (kafka: KAFKA_BROKERS, else an in-process mock cluster; rabbitmq: RABBITMQ_ADDR, else 127.0.0.1:55672; redis: REDIS_ADDR, else 127.0.0.1:56379 — the local services of scripts/services.sh).",
            DefaultValueFactory = _ => "http",
        };
        transport.AcceptOnlyFromAmong(DemoTransport.Names);
        var inferences = new Option<int>("--inferences") { Description = "Inferences to stream (half in-distribution, half drifted).", DefaultValueFactory = _ => 50_000 };
        inferences.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 2) r.AddError("--inferences must be at least 2");
        });
        var port = new Option<int>("--port") { Description = "Embedded server port (0: any free port).", DefaultValueFactory = _ => 0 };
        var keepRunning = new Option<bool>("--keep-running") { Description = "Keep the embedded server up until Ctrl+C." };
        var broker = new Option<string?>("--broker") { Description = "Broker address for --transport kafka|rabbitmq|redis (default: KAFKA_BROKERS, RABBITMQ_ADDR or REDIS_ADDR)." };
        var command = new Command("demo", "End-to-end demo: embedded server, profiles, queue, drift checks and alerts.") { transport, broker, inferences, port, keepRunning };
        command.SetAction((parse, ct) =>
            DemoRunner.RunAsync(context, new DemoOptions(parse.GetValue(transport) ?? "http", parse.GetValue(inferences), parse.GetValue(port), parse.GetValue(keepRunning),
                parse.GetValue(broker)), ct));
        return command;
    }
}

using System.CommandLine;
using Scouter.Data;

namespace Scouter.Cli.Commands;

/// <summary><c>scouter profile create|show</c>, and the server's profile commands (<see cref="ServerProfileCommands"/>).</summary>
internal static class ProfileCommands
{
    public static Command Create(CliContext context)
    {
        var profile = new Command("profile", "Create and inspect drift profiles.");
        profile.Subcommands.Add(CreateCommand(context));
        profile.Subcommands.Add(ShowCommand(context));
        foreach (var command in ServerProfileCommands.Create(context)) profile.Subcommands.Add(command);
        return profile;
    }

    private static Command CreateCommand(CliContext context)
    {
        var type = new Option<string>("--type") { Description = "Profile type: psi or spc (from training data), custom or llm (from a metrics file).", Required = true };
        type.AcceptOnlyFromAmong("psi", "spc", "custom", "llm");
        var input = new Option<string?>("--input", "-i") { Description = "PSI/SPC: training data, a .csv or .parquet file." };
        var metrics = new Option<string?>("--metrics") { Description = "Custom/LLM: a metrics file (JSON; see docs/cli.md)." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the profile JSON.", Required = true };
        var space = new Option<string?>("--space") { Description = "Space of the profile (default: the metrics file's config, else \"default\")." };
        var name = new Option<string?>("--name") { Description = "Model name (default: the input or metrics file name)." };
        var version = new Option<string?>("--version") { Description = "Model version (default: the metrics file's config, else 0.1.0)." };
        var bins = new Option<int>("--bins") { Description = "PSI: number of bins (quantile, or equal_width:manual).", DefaultValueFactory = _ => 10 };
        var binning = new Option<string>("--binning") { Description = "PSI: quantile or equal_width:METHOD (manual, square_root, sturges, rice, doane, scott, terrell_scott, freedman_diaconis).", DefaultValueFactory = _ => "quantile" };
        var categorical = new Option<string?>("--categorical") { Description = "PSI: comma-separated numeric columns to treat as categorical." };
        var features = new Option<string?>("--features") { Description = "Comma-separated columns to profile (default: all; SPC: all numeric)." };
        var sampleSize = new Option<int>("--sample-size") { Description = "SPC: values per sample.", DefaultValueFactory = _ => 25 };
        var limitScale = new Option<string>("--limit-scale") { Description = "SPC: observation or sample_mean.", DefaultValueFactory = _ => "observation" };
        limitScale.AcceptOnlyFromAmong("observation", "sample_mean");

        var command = new Command("create", "Build a PSI or SPC profile from a CSV or Parquet file, or a custom or LLM profile from a metrics file.")
        {
            type, input, metrics, output, space, name, version, bins, binning, categorical, features, sampleSize, limitScale,
        };
        command.SetAction(async (parse, ct) =>
        {
            var kind = parse.GetRequiredValue(type);
            var outputPath = parse.GetRequiredValue(output);
            var metricsPath = parse.GetValue(metrics);
            if (kind is "custom" or "llm")
            {
                if (parse.GetValue(input) is { } stray) throw new ScouterConfigException("--input", stray, $"applies to psi and spc profiles; a {kind} profile is built from --metrics FILE.json");
                if (metricsPath is null) throw new ScouterConfigException("--metrics", null, $"is required for a {kind} profile (a metrics file, see docs/cli.md)");
                var fromFile = MetricsFile.Read(metricsPath, kind, parse.GetValue(space), parse.GetValue(name) ?? Path.GetFileNameWithoutExtension(metricsPath), parse.GetValue(version));
                fromFile.Save(outputPath);
                var counted = fromFile switch
                {
                    LlmDriftProfile l => $"{l.Metrics.Count} judge metric(s) and {l.Assertions.Count} assertion metric(s)",
                    CustomDriftProfile c => $"{c.Metrics.Count} metric(s)",
                    _ => string.Empty,
                };
                await context.Out.WriteLineAsync($"Created {kind.ToUpperInvariant()} profile {fromFile.Config.Space}/{fromFile.Config.Name}/{fromFile.Config.Version} with {counted}: {outputPath}");
                return CliApp.Success;
            }
            if (metricsPath is not null) throw new ScouterConfigException("--metrics", metricsPath, $"applies to custom and llm profiles; a {kind} profile is built from --input DATA");
            var inputPath = parse.GetValue(input) ?? throw new ScouterConfigException("--input", null, $"is required for a {kind} profile (a .csv or .parquet file)");
            var featureList = SplitList(parse.GetValue(features));
            var categoricalList = SplitList(parse.GetValue(categorical));
            var modelName = parse.GetValue(name) ?? Path.GetFileNameWithoutExtension(inputPath);
            var isPsi = kind == "psi";
            if (!isPsi && categoricalList.Count > 0)
                throw new ScouterConfigException("--categorical", string.Join(',', categoricalList), "applies to PSI profiles only (SPC features are numeric)");

            DriftConfig config = isPsi
                ? new PsiDriftConfig
                {
                    Space = parse.GetValue(space) ?? "default",
                    Name = modelName,
                    Version = parse.GetValue(version) ?? "0.1.0",
                    FeaturesToMonitor = featureList,
                    CategoricalFeatures = categoricalList,
                    Binning = BinningStrategy.Parse(parse.GetRequiredValue(binning), Checked("--bins", parse.GetValue(bins), 2)),
                }
                : new SpcDriftConfig
                {
                    Space = parse.GetValue(space) ?? "default",
                    Name = modelName,
                    Version = parse.GetValue(version) ?? "0.1.0",
                    FeaturesToMonitor = featureList,
                    SampleSize = Checked("--sample-size", parse.GetValue(sampleSize), 2),
                    LimitScale = parse.GetRequiredValue(limitScale) == "sample_mean" ? SpcLimitScale.SampleMean : SpcLimitScale.Observation,
                };

            var readOptions = new TableReadOptions
            {
                Columns = featureList.Count > 0 ? featureList : null,
                CategoricalColumns = categoricalList,
            };
            var created = await new ProgressDisplay(context).RunAsync<DriftProfile>(async (readProgress, featureProgress) =>
            {
                var table = await TableInput.ReadAsync(inputPath, readOptions with { Progress = readProgress }, ct);
                return TableInput.Attribute(inputPath, () => config switch
                {
                    PsiDriftConfig psi => Drifter.CreatePsiProfile(table, psi, featureProgress, ct),
                    SpcDriftConfig spc => (DriftProfile)Drifter.CreateSpcProfile(table, spc, featureProgress, ct),
                    _ => throw new InvalidOperationException("unreachable"),
                });
            });

            created.Save(outputPath);
            var count = created switch { PsiDriftProfile p => p.Features.Count, SpcDriftProfile s => s.Features.Count, _ => 0 };
            await context.Out.WriteLineAsync($"Created {EnumNames.Of(created.DriftType).ToUpperInvariant()} profile {created.Config.Space}/{created.Config.Name}/{created.Config.Version} with {count} features: {outputPath}");
            return CliApp.Success;
        });
        return command;
    }

    private static Command ShowCommand(CliContext context)
    {
        var path = new Argument<string?>("profile") { Description = "Path of a profile JSON file.", Arity = ArgumentArity.ZeroOrOne };
        var uid = new Option<Guid?>("--uid") { Description = "Show the profile registered with this uid instead of a file." };
        var json = CommonOptions.Json();
        var command = new Command("show", "Print a profile (a file, or --uid from the server) as a readable table.") { path, uid, json };
        command.SetAction(async (parse, ct) =>
        {
            var profile = (parse.GetValue(path), parse.GetValue(uid)) switch
            {
                ({ } file, null) => DriftProfile.Load(file),
                (null, { } id) => await ServerProfileCommands.GetAsync(context, id, ct),
                ({ } file, _) => throw new ScouterConfigException("--uid", null, $"and a FILE ('{file}') exclude each other: show a file or a registered profile"),
                _ => throw new ScouterConfigException("profile", null, "is required: a FILE, or --uid for a registered profile"),
            };
            if (parse.GetValue(json)) await context.Out.WriteLineAsync(profile.ToJson());
            else ProfileView.Render(context.OutConsole, profile);
            return CliApp.Success;
        });
        return command;
    }

    internal static List<string> SplitList(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static int Checked(string option, int value, int min) =>
        value >= min ? value : throw new ScouterConfigException(option, value, $"must be >= {min}");
}

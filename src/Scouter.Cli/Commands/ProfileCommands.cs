using System.CommandLine;
using Scouter.Data;

namespace Scouter.Cli.Commands;

/// <summary><c>scouter profile create|show</c>.</summary>
internal static class ProfileCommands
{
    public static Command Create(CliContext context)
    {
        var profile = new Command("profile", "Create and inspect drift profiles.");
        profile.Subcommands.Add(CreateCommand(context));
        profile.Subcommands.Add(ShowCommand(context));
        return profile;
    }

    private static Command CreateCommand(CliContext context)
    {
        var type = new Option<string>("--type") { Description = "Profile type: psi or spc.", Required = true };
        type.AcceptOnlyFromAmong("psi", "spc");
        var input = new Option<string>("--input", "-i") { Description = "Training data: a .csv or .parquet file.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the profile JSON.", Required = true };
        var space = new Option<string>("--space") { Description = "Space of the profile.", DefaultValueFactory = _ => "default" };
        var name = new Option<string?>("--name") { Description = "Model name (default: the input file name)." };
        var version = new Option<string>("--version") { Description = "Model version.", DefaultValueFactory = _ => "0.1.0" };
        var bins = new Option<int>("--bins") { Description = "PSI: number of bins (quantile, or equal_width:manual).", DefaultValueFactory = _ => 10 };
        var binning = new Option<string>("--binning") { Description = "PSI: quantile or equal_width:METHOD (manual, square_root, sturges, rice, doane, scott, terrell_scott, freedman_diaconis).", DefaultValueFactory = _ => "quantile" };
        var categorical = new Option<string?>("--categorical") { Description = "PSI: comma-separated numeric columns to treat as categorical." };
        var features = new Option<string?>("--features") { Description = "Comma-separated columns to profile (default: all; SPC: all numeric)." };
        var sampleSize = new Option<int>("--sample-size") { Description = "SPC: values per sample.", DefaultValueFactory = _ => 25 };
        var limitScale = new Option<string>("--limit-scale") { Description = "SPC: observation or sample_mean.", DefaultValueFactory = _ => "observation" };
        limitScale.AcceptOnlyFromAmong("observation", "sample_mean");

        var command = new Command("create", "Build a PSI or SPC profile from a CSV or Parquet file.")
        {
            type, input, output, space, name, version, bins, binning, categorical, features, sampleSize, limitScale,
        };
        command.SetAction(async (parse, ct) =>
        {
            var inputPath = parse.GetRequiredValue(input);
            var outputPath = parse.GetRequiredValue(output);
            var featureList = SplitList(parse.GetValue(features));
            var categoricalList = SplitList(parse.GetValue(categorical));
            var modelName = parse.GetValue(name) ?? Path.GetFileNameWithoutExtension(inputPath);
            var isPsi = parse.GetRequiredValue(type) == "psi";
            if (!isPsi && categoricalList.Count > 0)
                throw new ScouterConfigException("--categorical", string.Join(',', categoricalList), "applies to PSI profiles only (SPC features are numeric)");

            DriftConfig config = isPsi
                ? new PsiDriftConfig
                {
                    Space = parse.GetRequiredValue(space),
                    Name = modelName,
                    Version = parse.GetRequiredValue(version),
                    FeaturesToMonitor = featureList,
                    CategoricalFeatures = categoricalList,
                    Binning = BinningStrategy.Parse(parse.GetRequiredValue(binning), Checked("--bins", parse.GetValue(bins), 2)),
                }
                : new SpcDriftConfig
                {
                    Space = parse.GetRequiredValue(space),
                    Name = modelName,
                    Version = parse.GetRequiredValue(version),
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
        var path = new Argument<string>("profile") { Description = "Path of a profile JSON file." };
        var command = new Command("show", "Print a profile as a readable table.") { path };
        command.SetAction(parse =>
        {
            var profile = DriftProfile.Load(parse.GetRequiredValue(path));
            ProfileView.Render(context.OutConsole, profile);
            return CliApp.Success;
        });
        return command;
    }

    internal static List<string> SplitList(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static int Checked(string option, int value, int min) =>
        value >= min ? value : throw new ScouterConfigException(option, value, $"must be >= {min}");
}

using System.Text.Json.Nodes;
using Xunit;

namespace Scouter.Core.Tests.Profiles;

public sealed class ProfileJsonTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scouter-profile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IReadOnlyList<DispatchConfig> AllChannels() =>
    [
        new ConsoleDispatchConfig(),
        new SlackDispatchConfig { Channel = "#ml" },
        new OpsGenieDispatchConfig { Team = "the-ds-team", Priority = "P2", Tags = ["drift", "credit"] },
        new WebhookDispatchConfig { Url = "https://hooks.example.test/scouter" },
    ];

    public static PsiDriftProfile SamplePsi() => new(
        new PsiDriftConfig
        {
            Space = "prod", Name = "credit", Version = "1.2.3",
            CategoricalFeatures = ["region"],
            Binning = BinningStrategy.EqualWidth(EqualWidthMethod.Scott),
            MaxCategories = 50,
            AlertConfig = new PsiAlertConfig
            {
                Schedule = CommonCrons.Every6Hours,
                TimeZone = "Europe/Paris",
                Dispatch = AllChannels(),
                RepeatInterval = TimeSpan.FromHours(6),
                Threshold = PsiThreshold.Normal(0.01, minPsi: 0.05),
            },
        },
        new Dictionary<string, PsiFeatureProfile>
        {
            ["age"] = new(FeatureKind.Numeric, [0.1 + 0.2, 18.5, 30.1], null, [0.25, 0.25, 0.2, 0.2], 0.1, 100, 10),
            ["region"] = new(FeatureKind.Categorical, null, ["east", "north", "__other__"], [0.5, 0.3, 0.2], 0, 10, 0),
        });

    private static SpcDriftProfile SampleSpc() => new(
        new SpcDriftConfig
        {
            Space = "prod", Name = "credit", SampleSize = 10, LimitScale = SpcLimitScale.SampleMean,
            AlertConfig = new SpcAlertConfig { Rule = "4 8 2 4 2 4 1 1", ZonesToMonitor = [1, 4], TrendLength = 0 },
        },
        new Dictionary<string, SpcFeatureProfile> { ["income"] = new(52000.125, 1234.5, 40, 3) });

    private static CustomDriftProfile SampleCustom() => new(
        new CustomMetricDriftConfig
        {
            Space = "wine_model", Name = "wine_model", Version = "0.0.1",
            AlertConfig = new CustomMetricAlertConfig { Dispatch = [new OpsGenieDispatchConfig { Team = "the-ds-team" }], Schedule = CommonCrons.EveryWeek },
        },
        [new CustomMetric("custom_metric", 0.03, AlertThreshold.Above, delta: 0.02), new CustomMetric("mae", 1.5)]);

    private static LlmDriftProfile SampleLlm() => new(
        new LlmDriftConfig { Space = "chat", Name = "bot", SampleRate = 0.25 },
        [new LlmMetric("relevance", 4.0, "Rate ${response} for ${input} given ${context.topic}.", AlertThreshold.Below, 0.5)]);

    public static TheoryData<string> Kinds => ["psi", "spc", "custom", "llm"];

    private static DriftProfile Sample(string kind) => kind switch
    {
        "psi" => SamplePsi(),
        "spc" => SampleSpc(),
        "custom" => SampleCustom(),
        _ => SampleLlm(),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SaveLoad_RoundTripsExactly(string kind)
    {
        var profile = Sample(kind);
        var path = Path.Combine(_dir, kind + ".json");

        profile.Save(path);
        var loaded = DriftProfile.Load(path);

        Assert.Equal(profile.GetType(), loaded.GetType());
        Assert.Equal(profile.ToJson(), loaded.ToJson());
        Assert.Equal(File.ReadAllText(path), loaded.ToJson());
        Assert.Equal(profile.Config.Uid, loaded.Config.Uid);
        Assert.Equal(profile.CreatedAt, loaded.CreatedAt);
    }

    [Fact]
    public void Json_IsSnakeCaseWithDriftTypeDiscriminator()
    {
        var json = JsonNode.Parse(SamplePsi().ToJson())!.AsObject();

        Assert.Equal("psi", (string?)json["drift_type"]);
        var config = json["config"]!.AsObject();
        Assert.Equal("prod", (string?)config["space"]);
        Assert.Equal("equal_width", (string?)config["binning"]!["kind"]);
        Assert.Equal("scott", (string?)config["binning"]!["method"]);
        Assert.Equal("normal", (string?)config["alert_config"]!["threshold"]!["kind"]);
        Assert.Equal(0.05, (double)config["alert_config"]!["threshold"]!["min_psi"]!);
        var dispatch = config["alert_config"]!["dispatch"]!.AsArray();
        Assert.Equal(["console", "slack", "opsgenie", "webhook"], dispatch.Select(d => (string?)d!["type"]));
        Assert.Equal("the-ds-team", (string?)dispatch[2]!["team"]);
        var region = json["features"]!["region"]!.AsObject();
        Assert.Equal("categorical", (string?)region["kind"]);
        Assert.False(region.ContainsKey("edges"));
        Assert.Equal(0.30000000000000004, (double)json["features"]!["age"]!["edges"]![0]!);
    }

    [Fact]
    public void Load_DiscriminatorNotFirst_StillWorks()
    {
        var json = JsonNode.Parse(SampleCustom().ToJson())!.AsObject();
        json.Remove("drift_type");
        json.Add("drift_type", "custom");
        var profile = DriftProfile.FromJson(json.ToJsonString());
        Assert.IsType<CustomDriftProfile>(profile);
    }

    [Fact]
    public void TypedLoad_WrongType_NamesExpectedAndActual()
    {
        var path = Path.Combine(_dir, "custom.json");
        SampleCustom().Save(path);
        var ex = Assert.Throws<ScouterDataException>(() => PsiDriftProfile.Load(path));
        Assert.Contains("PsiDriftProfile", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CustomDriftProfile", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidValueInFile_NamesFieldAndFile()
    {
        var json = SampleCustom().ToJson().Replace("\"0 0 0 * * SUN\"", "\"every sunday\"", StringComparison.Ordinal);
        var ex = Assert.Throws<ScouterDataException>(() => DriftProfile.FromJson(json, "p.json"));
        Assert.Contains("alert_config.schedule", ex.Message, StringComparison.Ordinal);
        Assert.Contains("p.json", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{", "invalid profile JSON")]
    [InlineData("{\"drift_type\":\"kde\"}", "invalid profile JSON")]
    [InlineData("{\"drift_type\":\"custom\",\"config\":{\"name\":\"n\"},\"metrics\":[]}", "space")]
    public void FromJson_Malformed_ThrowsDataException(string json, string expected)
    {
        var ex = Assert.Throws<ScouterDataException>(() => DriftProfile.FromJson(json));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_NamesFile()
    {
        var path = Path.Combine(_dir, "nope.json");
        var ex = Assert.Throws<ScouterDataException>(() => DriftProfile.Load(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PsiFeatureProfile_BinOf_HandlesMissingUnseenAndOther()
    {
        var profile = SamplePsi();
        var age = profile.Features["age"];
        Assert.Equal(0, age.BinOf(double.NaN));
        Assert.Equal(1, age.BinOf(0.3));
        Assert.Equal(2, age.BinOf(0.30000000000000004 + 1e-15));
        Assert.Equal(2, age.BinOf(18.5));
        Assert.Equal(3, age.BinOf(18.6));
        Assert.Equal(4, age.BinOf(1e9));

        var region = profile.Features["region"];
        Assert.True(region.HasOtherCategory);
        Assert.Equal(1, region.BinOf("east"));
        Assert.Equal(3, region.BinOf("never-seen"));
        Assert.Equal(0, region.BinOf("  "));
        Assert.Equal(0, region.BinOf(new Feature("region", (string?)null)));
    }

    [Fact]
    public void PsiFeatureProfile_EdgesNotIncreasing_Throws()
    {
        var ex = Assert.Throws<ScouterConfigException>(() => new PsiFeatureProfile(FeatureKind.Numeric, [2.0, 1.0], null, [0.3, 0.3, 0.4], 0, 10, 0));
        Assert.Equal("edges", ex.ParamName);
    }
}

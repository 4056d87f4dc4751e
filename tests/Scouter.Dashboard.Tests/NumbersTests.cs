using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace Scouter.Dashboard.Tests;

/// <summary>
/// The numbers on screen are the API's: each page's figures (their raw values in <c>data-value</c>)
/// are compared with the same query sent again through the API as the admin.
/// </summary>
public sealed class NumbersTests(DemoDashboard dashboard)
{
    private static double Value(string? attribute) => double.Parse(attribute!, CultureInfo.InvariantCulture);

    /// <summary>Sends the API call the page made (same path and query) again, as the admin.</summary>
    private async Task<JsonElement> RefetchAsync(IResponse pageCall)
    {
        var url = new Uri(pageCall.Url);
        return JsonDocument.Parse(await dashboard.Admin.GetStringAsync(url.PathAndQuery.Replace("/api/v1/", "", StringComparison.Ordinal))).RootElement;
    }

    [Fact]
    public async Task PsiFeaturesTable_ShowsTheApisPsiThresholdAndN()
    {
        await using var tab = await BrowserTab.OpenAsync(dashboard);
        await tab.LoginAsAdminAsync();
        var call = await tab.Page.RunAndWaitForResponseAsync(
            () => tab.Page.GotoAsync($"/ui/profiles/{dashboard.DemoProfiles["psi"]}?range=24h"),
            r => r.Url.Contains("/api/v1/drift/psi?", StringComparison.Ordinal) && !r.Url.Contains("feature=", StringComparison.Ordinal));
        var api = (await RefetchAsync(call)).GetProperty("features");
        var rows = tab.Page.GetByTestId("feature-row");
        await Assertions.Expect(rows.First).ToBeVisibleAsync();

        Assert.Equal(api.EnumerateObject().Count(), await rows.CountAsync());
        Assert.True(api.EnumerateObject().Count() >= 8, "the demo's PSI profile has eight features");
        for (var i = 0; i < await rows.CountAsync(); i++)
        {
            var row = rows.Nth(i);
            var feature = api.GetProperty((await row.GetAttributeAsync("data-feature"))!);
            Assert.Equal(feature.GetProperty("psi").GetDouble(), Value(await row.Locator("[data-col=psi]").GetAttributeAsync("data-value")), 12);
            Assert.Equal(feature.GetProperty("threshold").GetDouble(), Value(await row.Locator("[data-col=threshold]").GetAttributeAsync("data-value")), 12);
            Assert.Equal(feature.GetProperty("n").GetInt64(), (long)Value(await row.Locator("[data-col=n]").GetAttributeAsync("data-value")));
            Assert.Equal(feature.GetProperty("alert").GetBoolean() ? "alert" : feature.GetProperty("status").GetString(), await row.GetAttributeAsync("data-status"));
        }
        await tab.AssertCleanAsync();
    }

    [Fact]
    public async Task Overview_ShowsTheApisOpenAlertCounts()
    {
        await using var tab = await BrowserTab.OpenAsync(dashboard);
        await tab.LoginAsAdminAsync("/ui/login");
        var call = await tab.Page.RunAndWaitForResponseAsync(() => tab.Page.GotoAsync("/ui/"), r => r.Url.Contains("/api/v1/overview", StringComparison.Ordinal));
        var api = (await RefetchAsync(call)).GetProperty("profiles").EnumerateArray().ToDictionary(p => p.GetProperty("uid").GetString()!, StringComparer.Ordinal);
        var rows = tab.Page.GetByTestId("profile-row");
        await Assertions.Expect(rows.First).ToBeVisibleAsync();

        Assert.Equal(api.Count, await rows.CountAsync());
        var withAlerts = 0;
        for (var i = 0; i < await rows.CountAsync(); i++)
        {
            var row = rows.Nth(i);
            var profile = api[(await row.GetAttributeAsync("data-uid"))!];
            var open = profile.GetProperty("open_alerts").GetProperty("total").GetInt64();
            Assert.Equal(open, (long)Value(await row.Locator("[data-open-alerts]").GetAttributeAsync("data-open-alerts")));
            if (open > 0) withAlerts++;
        }
        Assert.True(withAlerts >= 3, "the demo raises alerts on several profiles");
        await tab.AssertCleanAsync();
    }

    [Fact]
    public async Task LlmEvaluationStatus_ShowsTheApisCounts()
    {
        await using var tab = await BrowserTab.OpenAsync(dashboard);
        await tab.LoginAsAdminAsync("/ui/login");
        var call = await tab.Page.RunAndWaitForResponseAsync(
            () => tab.Page.GotoAsync($"/ui/profiles/{dashboard.DemoProfiles["llm"]}?range=24h"), r => r.Url.Contains("/api/v1/drift/llm?", StringComparison.Ordinal));
        var status = (await RefetchAsync(call)).GetProperty("record_status");
        await Assertions.Expect(tab.Page.GetByTestId("llm-evaluation")).ToBeVisibleAsync();

        long total = 0;
        foreach (var name in new[] { "pending", "done", "failed" })
        {
            var expected = status.TryGetProperty(name, out var count) ? count.GetInt64() : 0;
            total += expected;
            Assert.Equal(expected, (long)Value(await tab.Page.GetByTestId("llm-status-" + name).Locator("[data-value]").First.GetAttributeAsync("data-value")));
        }
        Assert.True(total > 0, "the demo stores LLM records");
        await tab.AssertCleanAsync();
    }
}

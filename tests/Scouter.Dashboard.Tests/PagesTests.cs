using Microsoft.Playwright;
using Xunit;

namespace Scouter.Dashboard.Tests;

/// <summary>
/// Every page on the demo's data, at a laptop and a phone size: drawn charts (not blank), no serious
/// or critical axe issue, no console error or CSP violation, no request to another origin, no
/// horizontal scrolling; a screenshot of each is saved under TestResults/dashboard/ to look at.
/// </summary>
public sealed class PagesTests(DemoDashboard dashboard)
{
    public static TheoryData<string, int, int> Pages => new()
    {
        { "overview", 1280, 800 }, { "overview", 390, 844 },
        { "psi", 1280, 800 }, { "psi", 390, 844 },
        { "spc", 1280, 800 }, { "spc", 390, 844 },
        { "custom", 1280, 800 }, { "custom", 390, 844 },
        { "llm", 1280, 800 }, { "llm", 390, 844 },
        { "profile-alerts", 1280, 800 },
        { "profile-checks", 1280, 800 },
        { "alerts", 1280, 800 }, { "alerts", 390, 844 },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_IsDrawn_Accessible_AndClean(string page, int width, int height)
    {
        await using var tab = await BrowserTab.OpenAsync(dashboard, width, height);
        var (path, ready, charts) = page switch
        {
            "overview" => ("/ui/", "profile-row", 0),
            "psi" => ($"/ui/profiles/{dashboard.DemoProfiles["psi"]}?range=24h&feature=debt_ratio", "psi-detail", 3),
            "spc" => ($"/ui/profiles/{dashboard.DemoProfiles["spc"]}?range=24h", "spc-features-table", 1),
            "custom" => ($"/ui/profiles/{dashboard.DemoProfiles["custom"]}?range=24h", "metrics-table", 1),
            "llm" => ($"/ui/profiles/{dashboard.DemoProfiles["llm"]}?range=24h", "llm-records-table", 1),
            "profile-alerts" => ($"/ui/profiles/{dashboard.DemoProfiles["psi"]}?range=24h&tab=alerts", "alerts-table", 0),
            "profile-checks" => ($"/ui/profiles/{dashboard.DemoProfiles["psi"]}?range=24h&tab=checks", "check-run", 0),
            _ => ("/ui/alerts", "alert-row", 0),
        };

        await tab.LoginAsAdminAsync(path);
        await Assertions.Expect(tab.Page.GetByTestId(ready).First).ToBeVisibleAsync();
        await tab.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        await tab.ScreenshotAsync($"{page}-{width}x{height}");
        await tab.AssertChartsDrawnAsync(page, charts);
        await tab.AssertAccessibleAsync(page);
        var overflow = await tab.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{page} at {width}x{height} scrolls sideways by {overflow}px");
        await tab.AssertCleanAsync();
    }
}

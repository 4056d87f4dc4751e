using Microsoft.Playwright;
using Xunit;

namespace Scouter.Dashboard.Tests;

/// <summary>
/// Names and payloads are data, never markup: a profile and metric named
/// <see cref="DemoDashboard.Markup"/> (an <c>img</c> whose <c>onerror</c> would rename the page), with a
/// firing alert naming it, and a PSI feature and a category of that name, render as that text on every
/// page, create no element, run no script and cause no CSP violation.
/// </summary>
public sealed class XssTests(DemoDashboard dashboard)
{
    [Fact]
    public async Task MarkupInNamesAndAlertPayloads_RendersAsText_OnEveryPage()
    {
        await using var tab = await BrowserTab.OpenAsync(dashboard);
        await tab.LoginAsAdminAsync();
        var pages = new (string Path, string Ready)[]
        {
            ("/ui/", "profile-row"),
            ($"/ui/profiles/{dashboard.MarkupProfile}?range=24h", "metrics-table"),
            ($"/ui/profiles/{dashboard.MarkupProfile}?range=24h&tab=alerts", "alert-row"),
            ($"/ui/profiles/{dashboard.MarkupProfile}?range=24h&tab=checks", "check-run"),
            ($"/ui/alerts?uid={dashboard.MarkupProfile}&status=all", "alert-row"),
        };

        foreach (var (path, ready) in pages)
        {
            await tab.Page.GotoAsync(path);
            await Assertions.Expect(tab.Page.GetByTestId(ready).First).ToBeVisibleAsync();
            await tab.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

            Assert.Contains(DemoDashboard.Markup, await tab.Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(0, await tab.Page.Locator("img[src='x']").CountAsync());
            Assert.NotEqual("pwned", await tab.Page.TitleAsync());
        }
        // A feature named with markup (its heading and table rows) and a category named with markup (its bin in the table).
        Assert.Contains(DemoDashboard.Markup, await OpenBinsTableAsync(tab, DemoDashboard.Markup, "main"), StringComparison.Ordinal);
        Assert.Contains(DemoDashboard.Markup, await OpenBinsTableAsync(tab, "segment", "[data-testid=table-psi-bins]"), StringComparison.Ordinal);
        await tab.ScreenshotAsync("markup-as-text");
        await tab.AssertCleanAsync();
    }

    /// <summary>Opens a feature of the markup PSI profile, shows its bins as a table and returns the text of <paramref name="selector"/>, after checking no markup became an element.</summary>
    private async Task<string> OpenBinsTableAsync(BrowserTab tab, string feature, string selector)
    {
        await tab.Page.GotoAsync($"/ui/profiles/{dashboard.MarkupPsiProfile}?range=24h&feature={Uri.EscapeDataString(feature)}");
        await Assertions.Expect(tab.Page.GetByTestId("chart-psi-bins")).ToBeVisibleAsync();
        await tab.Page.GetByTestId("table-toggle-psi-bins").ClickAsync();
        await Assertions.Expect(tab.Page.GetByTestId("table-psi-bins")).ToBeVisibleAsync();
        Assert.Equal(0, await tab.Page.Locator("img[src='x']").CountAsync());
        Assert.NotEqual("pwned", await tab.Page.TitleAsync());
        return await tab.Page.Locator(selector).InnerTextAsync();
    }
}

using System.Text.Json;
using Microsoft.Playwright;
using Scouter.Api;
using Scouter.Client;
using Xunit;

namespace Scouter.Dashboard.Tests;

/// <summary>
/// What each user may see and do, checked in the browser and against the API behind it: a read-only
/// user gets no usable acknowledge or run button and the API refuses the call; a user of one space
/// never sees another; a cookie-authenticated write without the CSRF header or from another origin is
/// refused.
/// </summary>
public sealed class AccessTests(DemoDashboard dashboard)
{
    /// <summary>POSTs from the page's own origin with the session cookie; returns the status and the problem's code.</summary>
    private static async Task<(int Status, string? Code)> PostFromPageAsync(IPage page, string path, bool csrfHeader)
    {
        var result = await page.EvaluateAsync<JsonElement>("""
            async ([path, csrf]) => {
              const response = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: csrf ? { 'X-Scouter-Csrf': '1' } : {} });
              let code = null;
              try { code = (await response.json()).code ?? null; } catch { }
              return { status: response.status, code };
            }
            """, new object[] { path, csrfHeader });
        return (result.GetProperty("status").GetInt32(), result.GetProperty("code").GetString());
    }

    private async Task<Alert> FiringAlertAsync(Guid uid)
    {
        using var client = dashboard.AdminClient();
        var page = await client.GetAlertsAsync(new AlertQuery { Uid = uid, Status = "firing" });
        return page.Items[0];
    }

    [Fact]
    public async Task ReadOnlyUser_SeesNoUsableAcknowledgeOrRun_AndTheApiRefusesThem()
    {
        var alert = await FiringAlertAsync(dashboard.MarkupProfile);
        await using var tab = await BrowserTab.OpenAsync(dashboard);
        await tab.LoginAsync("reader", DemoDashboard.Password, $"/ui/profiles/{dashboard.MarkupProfile}?range=24h");

        await Assertions.Expect(tab.Page.GetByTestId("run-check")).ToBeDisabledAsync();
        await Assertions.Expect(tab.Page.GetByTestId("run-check-disabled-reason")).ToBeVisibleAsync();
        await tab.Page.GotoAsync($"/ui/alerts?space={DemoDashboard.DemoSpace}&status=open");
        var buttons = tab.Page.GetByTestId("ack-button");
        await Assertions.Expect(buttons.First).ToBeVisibleAsync();
        for (var i = 0; i < await buttons.CountAsync(); i++) await Assertions.Expect(buttons.Nth(i)).ToBeDisabledAsync();
        await tab.ScreenshotAsync("alerts-read-only");
        await tab.AssertCleanAsync();

        // The calls the disabled buttons would make (Chromium logs their 403s: not checked after this).
        Assert.Equal((403, "forbidden"), await PostFromPageAsync(tab.Page, $"/api/v1/alerts/{alert.Id}/acknowledge", csrfHeader: true));
        Assert.Equal((403, "forbidden"), await PostFromPageAsync(tab.Page, $"/api/v1/profiles/{dashboard.MarkupProfile}/run", csrfHeader: true));
    }

    [Fact]
    public async Task UserOfOneSpace_NeverSeesAnother()
    {
        await using var tab = await BrowserTab.OpenAsync(dashboard);
        await tab.LoginAsync("outsider", DemoDashboard.Password);

        await Assertions.Expect(tab.Page.GetByTestId("profile-row").First).ToBeVisibleAsync();
        var spaces = await tab.Page.GetByTestId("space-group").EvaluateAllAsync<string[]>("groups => groups.map(g => g.dataset.space)");
        Assert.Equal([DemoDashboard.OtherSpace], spaces);
        var uids = await tab.Page.GetByTestId("profile-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.uid)");
        Assert.Equal(new[] { dashboard.OtherProfile, dashboard.AckProfile }.Select(u => u.ToString()).Order(StringComparer.Ordinal), uids.Order(StringComparer.Ordinal));

        await tab.Page.GotoAsync("/ui/alerts?status=all");
        await Assertions.Expect(tab.Page.GetByTestId("alert-row").First).ToBeVisibleAsync();
        Assert.DoesNotContain(DemoDashboard.DemoSpace, await tab.Page.GetByTestId("alerts-table").InnerTextAsync(), StringComparison.Ordinal);

        // A deep link into the other space shows an error, not its data; the API refuses it too.
        await tab.Page.GotoAsync($"/ui/profiles/{dashboard.DemoProfiles["psi"]}");
        await Assertions.Expect(tab.Page.GetByTestId("error-message")).ToBeVisibleAsync();
        Assert.Equal(0, await tab.Page.GetByTestId("psi-features-table").CountAsync());
        var direct = await tab.Context.APIRequest.GetAsync($"/api/v1/profiles/{dashboard.DemoProfiles["psi"]}");
        Assert.Equal(403, direct.Status);
    }

    [Fact]
    public async Task CookieWrites_WithoutTheCsrfHeader_OrFromAnotherOrigin_AreRefused()
    {
        var alert = await FiringAlertAsync(dashboard.OtherProfile);
        await using var tab = await BrowserTab.OpenAsync(dashboard);
        await tab.LoginAsync("outsider", DemoDashboard.Password);

        // Same origin, cookie, no header: what a cross-site form post would look like if the cookie went along.
        Assert.Equal((403, "csrf_failed"), await PostFromPageAsync(tab.Page, $"/api/v1/alerts/{alert.Id}/acknowledge", csrfHeader: false));
        // The header, but another Origin.
        var foreign = await tab.Context.APIRequest.PostAsync($"/api/v1/alerts/{alert.Id}/acknowledge", new APIRequestContextOptions
        {
            Headers = new Dictionary<string, string> { ["X-Scouter-Csrf"] = "1", ["Origin"] = "http://attacker.example" },
        });
        Assert.Equal(403, foreign.Status);
        Assert.Contains("csrf_failed", await foreign.TextAsync(), StringComparison.Ordinal);

        using var client = dashboard.AdminClient();
        Assert.Equal("firing", (await client.GetAlertsAsync(new AlertQuery { Uid = dashboard.OtherProfile })).Items.Single(a => a.Id == alert.Id).Status);
    }

    [Fact]
    public async Task Writer_AcknowledgesAnAlert_FromTheAlertsPage()
    {
        await using var tab = await BrowserTab.OpenAsync(dashboard);
        await tab.LoginAsync("outsider", DemoDashboard.Password, $"/ui/alerts?uid={dashboard.AckProfile}&status=open");
        var row = tab.Page.GetByTestId("alert-row").First;
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "firing");
        var id = long.Parse((await row.GetAttributeAsync("data-alert-id"))!, System.Globalization.CultureInfo.InvariantCulture);

        await row.GetByTestId("ack-button").ClickAsync();

        await Assertions.Expect(tab.Page.Locator($"[data-testid=alert-row][data-alert-id='{id}']")).ToHaveAttributeAsync("data-status", "acknowledged");
        using var client = dashboard.AdminClient();
        var stored = (await client.GetAlertsAsync(new AlertQuery { Uid = dashboard.AckProfile })).Items.Single(a => a.Id == id);
        Assert.Equal(("acknowledged", "outsider"), (stored.Status, stored.AcknowledgedBy));
        await tab.AssertCleanAsync();
    }
}

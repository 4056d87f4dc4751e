using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit;

namespace Scouter.Dashboard.Tests;

/// <summary>
/// One isolated browser context (its own cookies) and page on the dashboard, recording what a
/// page must never do: console errors, Content-Security-Policy violations, requests to another
/// origin and script dialogs.
/// </summary>
public sealed class BrowserTab : IAsyncDisposable
{
    private readonly DashboardSite _site;
    private readonly List<string> _consoleErrors = [];
    private readonly List<string> _foreignRequests = [];
    private readonly List<string> _dialogs = [];

    private BrowserTab(DashboardSite site, IBrowserContext context, IPage page)
    {
        _site = site;
        Context = context;
        Page = page;
        var origin = new Uri(site.Url).GetLeftPart(UriPartial.Authority);
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning" && !ExpectedRefusal(message)) lock (_consoleErrors) _consoleErrors.Add($"{message.Type}: {message.Text} ({message.Location})");
        };
        page.PageError += (_, error) => { lock (_consoleErrors) _consoleErrors.Add("uncaught: " + error); };
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(origin + "/", StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
                lock (_foreignRequests) _foreignRequests.Add(request.Url);
        };
        page.Dialog += (_, dialog) =>
        {
            lock (_dialogs) _dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Opens a context at <paramref name="width"/>×<paramref name="height"/> recording CSP violations from the first script on.</summary>
    public static Task<BrowserTab> OpenAsync(DemoDashboard dashboard, int width = 1280, int height = 800) =>
        OpenAsync(dashboard.Browser, new DashboardSite(dashboard.Url, dashboard.AdminPassword, dashboard.ScreenshotDir), width, height);

    /// <summary>Opens a context on another server's dashboard (<paramref name="site"/>) in <paramref name="browser"/>.</summary>
    public static async Task<BrowserTab> OpenAsync(IBrowser browser, DashboardSite site, int width = 1280, int height = 800)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = site.Url,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        // Runs before the page's own scripts; CSP does not apply to it.
        await context.AddInitScriptAsync("window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));");
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        return new BrowserTab(site, context, page);
    }

    /// <summary>Signs in through the login page and waits for the page it leads to.</summary>
    public async Task LoginAsync(string user, string password, string next = "/ui/")
    {
        await Page.GotoAsync("/ui/login?next=" + Uri.EscapeDataString(next));
        await Page.GetByTestId("login-username").FillAsync(user);
        await Page.GetByTestId("login-password").FillAsync(password);
        await Page.GetByTestId("login-submit").ClickAsync();
        await Assertions.Expect(Page).Not.ToHaveURLAsync(new Regex("/ui/login"));
    }

    public Task LoginAsAdminAsync(string next = "/ui/") => LoginAsync("admin", _site.AdminPassword, next);

    /// <summary>Content-Security-Policy violations reported on the current document.</summary>
    public async Task<string[]> CspViolationsAsync() => await Page.EvaluateAsync<string[]>("() => window.__csp ?? []");

    /// <summary>Asserts no console error, CSP violation, request to another origin or dialog so far.</summary>
    public async Task AssertCleanAsync()
    {
        var csp = await CspViolationsAsync();
        Assert.True(csp.Length == 0, "CSP violations: " + string.Join("; ", csp));
        lock (_consoleErrors) Assert.True(_consoleErrors.Count == 0, "console: " + string.Join("; ", _consoleErrors));
        lock (_foreignRequests) Assert.True(_foreignRequests.Count == 0, "requests to another origin: " + string.Join("; ", _foreignRequests));
        lock (_dialogs) Assert.True(_dialogs.Count == 0, "dialogs: " + string.Join("; ", _dialogs));
    }

    /// <summary>Asserts axe finds no serious or critical accessibility issue on the page as it is now.</summary>
    public async Task AssertAccessibleAsync(string page)
    {
        var result = await Page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{page}: axe found " + string.Join("; ", serious.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))}")));
    }

    /// <summary>
    /// Asserts every chart canvas on the page has something drawn on it: a share of painted pixels and
    /// several colours, so a blank or single-colour canvas fails.
    /// </summary>
    public async Task AssertChartsDrawnAsync(string page, int atLeast)
    {
        var canvases = await Page.EvaluateAsync<CanvasInk[]>("""
            () => [...document.querySelectorAll('[data-testid^="chart-"]')].filter(c => c.offsetParent !== null).map(container => {
              const canvas = container.querySelector('canvas');
              if (!canvas || canvas.width === 0 || canvas.height === 0) return { chart: container.dataset.testid, painted: 0, colours: 0 };
              const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              const colours = new Set();
              let painted = 0;
              for (let i = 0; i < data.length; i += 4 * 7) {
                if (data[i + 3] > 0) painted++;
                colours.add((data[i] >> 4) + ',' + (data[i + 1] >> 4) + ',' + (data[i + 2] >> 4) + ',' + (data[i + 3] >> 6));
              }
              return { chart: container.dataset.testid, painted: painted / (data.length / (4 * 7)), colours: colours.size };
            })
            """);
        Assert.True(canvases.Length >= atLeast, $"{page}: {canvases.Length} visible charts, expected at least {atLeast}");
        foreach (var canvas in canvases)
        {
            Assert.True(canvas.Painted > 0.01 && canvas.Colours >= 3, $"{page}: {canvas.Chart} looks blank (painted {canvas.Painted:P1}, {canvas.Colours} colours)");
        }
    }

    /// <summary>What one chart canvas has drawn (filled by Playwright from the page's JSON).</summary>
    public sealed class CanvasInk
    {
        public string Chart { get; set; } = "";

        public double Painted { get; set; }

        public int Colours { get; set; }
    }

    /// <summary>Saves a full-page screenshot under TestResults/dashboard/.</summary>
    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_site.ScreenshotDir, name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();

    /// <summary>
    /// Chromium's own "Failed to load resource" line for an answer the app expects and handles: 401 from
    /// <c>/me</c> or the session refresh when there is no session yet, 401/429 from a refused login.
    /// </summary>
    private static bool ExpectedRefusal(IConsoleMessage message) =>
        message.Text.StartsWith("Failed to load resource: the server responded with a status of 4", StringComparison.Ordinal)
        && (message.Text.Contains("401", StringComparison.Ordinal) || message.Text.Contains("429", StringComparison.Ordinal))
        && (message.Location.Contains("/api/v1/me", StringComparison.Ordinal) || message.Location.Contains("/api/v1/auth/session", StringComparison.Ordinal));
}

/// <summary>A server's dashboard as a tab sees it: base address, the bootstrap admin's password, where screenshots go.</summary>
public sealed record DashboardSite(string Url, string AdminPassword, string ScreenshotDir);

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;

namespace Scouter.Dashboard.Tests;

/// <summary>Signing in and out in a real browser: the server's messages, the cookies' flags, no token anywhere script can read.</summary>
public sealed class LoginTests(DemoDashboard dashboard)
{
    [Fact]
    public async Task WrongPassword_ShowsTheServersMessage_ThenSignInSetsHttpOnlyStrictCookies_AndNoTokenReachesScript()
    {
        await using var tab = await BrowserTab.OpenAsync(dashboard);

        // A deep link without a session leads to the login page, which remembers where to go.
        await tab.Page.GotoAsync("/ui/alerts");
        await Assertions.Expect(tab.Page).ToHaveURLAsync(new Regex("/ui/login"));
        await tab.Page.GetByTestId("login-username").FillAsync("admin");
        await tab.Page.GetByTestId("login-password").FillAsync("not-the-password");
        await tab.Page.GetByTestId("login-submit").ClickAsync();
        await Assertions.Expect(tab.Page.GetByTestId("login-error")).ToHaveTextAsync("Unknown user name or wrong password.");
        await tab.ScreenshotAsync("login-error");

        await tab.Page.GetByTestId("login-password").FillAsync(dashboard.AdminPassword);
        await tab.Page.GetByTestId("login-submit").ClickAsync();
        await Assertions.Expect(tab.Page).ToHaveURLAsync(new Regex("/ui/alerts$"));
        await Assertions.Expect(tab.Page.GetByTestId("user-name")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^admin\\b"));

        var cookies = await tab.Context.CookiesAsync();
        var access = Assert.Single(cookies, c => c.Name == "scouter_access");
        var refresh = Assert.Single(cookies, c => c.Name == "scouter_refresh");
        Assert.All(new[] { access, refresh }, c => Assert.Equal((true, SameSiteAttribute.Strict), (c.HttpOnly, c.SameSite)));
        Assert.Equal("/api/v1/auth/session", refresh.Path);
        Assert.Equal("", await tab.Page.EvaluateAsync<string>("() => document.cookie"));
        Assert.Equal(0, await tab.Page.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length"));
        Assert.DoesNotContain(access.Value, tab.Page.Url, StringComparison.Ordinal);
        await tab.AssertCleanAsync();
    }

    [Fact]
    public async Task RepeatedWrongPasswords_AreThrottled_AndThePageSaysWhenToRetry()
    {
        await using var tab = await BrowserTab.OpenAsync(dashboard);
        await tab.Page.GotoAsync("/ui/login");

        for (var i = 0; i < 6; i++)
        {
            await tab.Page.GetByTestId("login-username").FillAsync("throttled");
            await tab.Page.GetByTestId("login-password").FillAsync("wrong-password-" + i);
            await tab.Page.GetByTestId("login-submit").ClickAsync();
            await Assertions.Expect(tab.Page.GetByTestId("login-error")).ToBeVisibleAsync();
            if (await tab.Page.GetByTestId("login-retry-after").CountAsync() > 0) break;
        }

        var retry = tab.Page.GetByTestId("login-retry-after");
        await Assertions.Expect(retry).ToBeVisibleAsync();
        var seconds = int.Parse((await retry.GetAttributeAsync("data-value"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 300);
        await Assertions.Expect(tab.Page.GetByTestId("login-error")).ToContainTextAsync("Too many failed logins");
        await Assertions.Expect(tab.Page.GetByTestId("login-submit")).ToBeDisabledAsync();
        await tab.ScreenshotAsync("login-throttled");
        await tab.AssertCleanAsync();
    }

    [Fact]
    public async Task KeyboardOnly_SignsInAndOpensAProfile()
    {
        await using var tab = await BrowserTab.OpenAsync(dashboard);
        await tab.Page.GotoAsync("/ui/login");
        await tab.Page.GetByTestId("login-username").FocusAsync();

        await tab.Page.Keyboard.TypeAsync("admin");
        await tab.Page.Keyboard.PressAsync("Tab");
        await tab.Page.Keyboard.TypeAsync(dashboard.AdminPassword);
        await tab.Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(tab.Page).ToHaveURLAsync(new Regex("/ui/$"));
        var link = tab.Page.GetByTestId("profile-link").First;
        await Assertions.Expect(link).ToBeVisibleAsync();

        // Tab until the first profile link has focus, then follow it with Enter.
        for (var i = 0; i < 60 && !await link.EvaluateAsync<bool>("e => e === document.activeElement"); i++) await tab.Page.Keyboard.PressAsync("Tab");
        Assert.True(await link.EvaluateAsync<bool>("e => e === document.activeElement"), "no profile link reachable by Tab");
        await tab.Page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(tab.Page).ToHaveURLAsync(new Regex("/ui/profiles/"));
        await Assertions.Expect(tab.Page.GetByTestId("profile-facts")).ToBeVisibleAsync();
        await tab.AssertCleanAsync();
    }

    [Fact]
    public async Task SignOut_EndsTheSession_AndTheOldCookiesOpenNothing()
    {
        await using var tab = await BrowserTab.OpenAsync(dashboard);
        await tab.LoginAsync("reader", DemoDashboard.Password);
        var kept = await tab.Context.CookiesAsync();

        await tab.Page.GetByTestId("logout").ClickAsync();
        await Assertions.Expect(tab.Page).ToHaveURLAsync(new Regex("/ui/login"));

        Assert.DoesNotContain(await tab.Context.CookiesAsync(), c => c.Name.StartsWith("scouter_", StringComparison.Ordinal));
        // Cookies copied before the sign-out are refused by the API.
        await tab.Context.AddCookiesAsync(kept.Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, SameSite = c.SameSite }));
        var me = await tab.Context.APIRequest.GetAsync("/api/v1/me");
        Assert.Equal(401, me.Status);
        Assert.Contains("token_revoked", await me.TextAsync(), StringComparison.Ordinal);
    }
}

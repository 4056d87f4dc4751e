using System.Reflection;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

/// <summary>
/// The OpenAPI document lists every route and query parameter each handler reads. Handlers read their
/// query through bound parameters (typed or <c>[AsParameters]</c>), never <c>HttpRequest.Query</c> by hand,
/// so the handler signatures are the one place both the binding and this comparison come from.
/// </summary>
public sealed class OpenApiParameterTests : IAsyncLifetime
{
    private static readonly HashSet<Type> SimpleTypes =
    [
        typeof(string), typeof(Guid), typeof(int), typeof(long), typeof(bool), typeof(double), typeof(DateTimeOffset), typeof(DateTime),
    ];

    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Drift_routes_document_uid_from_to_buckets_and_align_and_psi_spc_also_feature()
    {
        var document = await DocumentParametersAsync();
        foreach (var route in new[] { "psi", "spc", "custom", "llm" })
        {
            var key = $"GET /api/v1/drift/{route}";
            Assert.True(document.TryGetValue(key, out var parameters), $"{key} is not in the document");
            List<string> expected = ["query:align", "query:buckets", "query:from", "query:to", "query:uid"];
            if (route is "psi" or "spc") expected.Add("query:feature");
            Assert.Equal(expected.Order(StringComparer.Ordinal), parameters.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Alerts_document_open_severity_and_kind_besides_the_older_filters()
    {
        var document = await DocumentParametersAsync();

        Assert.Equal(
            ["query:from", "query:kind", "query:open", "query:page", "query:page_size", "query:severity", "query:space", "query:status", "query:to", "query:uid"],
            document["GET /api/v1/alerts"].Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Overview_documents_space()
    {
        var document = await DocumentParametersAsync();

        Assert.Equal(["query:space"], document["GET /api/v1/overview"]);
    }

    [Fact]
    public async Task Every_endpoint_documents_exactly_the_route_and_query_parameters_its_handler_binds()
    {
        var document = await DocumentParametersAsync();
        var services = _server.App.Services.GetRequiredService<IServiceProviderIsService>();
        var endpoints = _server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .Where(e => e.Metadata.GetMetadata<MethodInfo>() is not null && e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .Where(e => !e.RoutePattern.RawText!.StartsWith("/openapi", StringComparison.Ordinal))
            .ToList();
        // Guards the enumeration itself: the API maps over twenty routes, drift among them.
        Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} endpoints found");
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/api/v1/drift/psi");

        var mismatches = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var routeNames = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var bound = endpoint.Metadata.GetMetadata<MethodInfo>()!.GetParameters()
                .SelectMany(p => Bound(p, routeNames, services))
                .Order(StringComparer.Ordinal).ToList();
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)
            {
                var key = $"{method} {Normalize(endpoint.RoutePattern.RawText!)}";
                var documented = document.TryGetValue(key, out var parameters) ? parameters.Order(StringComparer.Ordinal).ToList() : null;
                if (documented is null) mismatches.Add($"{key}: not in the document");
                else if (!documented.SequenceEqual(bound)) mismatches.Add($"{key}: handler binds [{string.Join(", ", bound)}], document lists [{string.Join(", ", documented)}]");
            }
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    /// <summary>
    /// What makes the signatures the whole truth: no code of the server reads <c>HttpRequest.Query</c>
    /// itself (found as a call in the IL of any method, async state machines included). The one
    /// exception is the NUL filter (<c>TextRules</c>), which reads every value of every request's query
    /// to refuse NUL characters and defines no parameter.
    /// </summary>
    [Fact]
    public void No_server_code_reads_the_query_string_by_hand()
    {
        var getter = typeof(HttpRequest).GetProperty(nameof(HttpRequest.Query))!.GetMethod!;
        var assembly = typeof(ServerOptions).Assembly;
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var readers = new List<string>();
        var scanned = 0;
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
            {
                if (method.GetMethodBody()?.GetILAsByteArray() is not { } il) continue;
                scanned++;
                for (var i = 0; i + 4 < il.Length; i++)
                {
                    // call (0x28) or callvirt (0x6F) followed by a method token.
                    if (il[i] is not (0x28 or 0x6F)) continue;
                    var token = BitConverter.ToInt32(il, i + 1);
                    if (Resolve(assembly.ManifestModule, token) == getter && !IsTextRules(type)) readers.Add($"{type.FullName}.{method.Name}");
                }
            }
        }
        Assert.True(scanned > 100, $"only {scanned} method bodies scanned");
        Assert.True(readers.Count == 0, "reads HttpRequest.Query by hand: " + string.Join(", ", readers.Distinct()));
    }

    private static bool IsTextRules(Type type)
    {
        for (var t = type; t is not null; t = t.DeclaringType)
        {
            if (t.FullName == "Scouter.Server.Apis.TextRules") return true;
        }
        return false;
    }

    private static MethodBase? Resolve(Module module, int token)
    {
        try
        {
            return module.ResolveMethod(token);
        }
        catch (Exception ex) when (ex is ArgumentException or BadImageFormatException)
        {
            return null;
        }
    }

    /// <summary>The route and query parameters a handler parameter binds, as <c>in:name</c>; <c>[AsParameters]</c> expands to its properties.</summary>
    private static IEnumerable<string> Bound(ParameterInfo parameter, HashSet<string> routeNames, IServiceProviderIsService services)
    {
        if (parameter.GetCustomAttribute<AsParametersAttribute>() is not null)
        {
            return parameter.ParameterType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .SelectMany(p => Bound(p.Name, p.PropertyType, p.GetCustomAttributes(), routeNames, services));
        }
        return Bound(parameter.Name!, parameter.ParameterType, parameter.GetCustomAttributes(), routeNames, services);
    }

    private static IEnumerable<string> Bound(string name, Type type, IEnumerable<Attribute> attributes, HashSet<string> routeNames, IServiceProviderIsService services)
    {
        var list = attributes.ToList();
        if (list.OfType<IFromQueryMetadata>().FirstOrDefault() is { } query) return [$"query:{query.Name ?? name}"];
        if (list.OfType<IFromRouteMetadata>().FirstOrDefault() is { } route) return [$"path:{route.Name ?? name}"];
        if (list.Any(a => a is IFromBodyMetadata or IFromServiceMetadata or IFromHeaderMetadata or IFromFormMetadata)) return [];
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(ClaimsPrincipal) || underlying == typeof(CancellationToken) || services.IsService(type)) return [];
        if (routeNames.Contains(name)) return [$"path:{name}"];
        return SimpleTypes.Contains(underlying) || underlying.IsEnum ? [$"query:{name}"] : [];
    }

    private static string Normalize(string template) => "/" + template.Trim('/');

    /// <summary><c>METHOD /path</c> → its documented parameters as <c>in:name</c>.</summary>
    private async Task<Dictionary<string, List<string>>> DocumentParametersAsync()
    {
        using var client = _server.CreateClient();
        var text = await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        using var json = JsonDocument.Parse(text);
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var path in json.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (operation.Name == "parameters") continue;
                var parameters = operation.Value.TryGetProperty("parameters", out var list)
                    ? list.EnumerateArray().Select(p => $"{p.GetProperty("in").GetString()}:{p.GetProperty("name").GetString()}").ToList()
                    : [];
                result[$"{operation.Name.ToUpperInvariant()} {Normalize(path.Name)}"] = parameters;
            }
        }
        return result;
    }
}

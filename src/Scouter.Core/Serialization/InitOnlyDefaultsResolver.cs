using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Scouter.Serialization;

/// <summary>
/// Reflection-based metadata for the profile and config types that have optional init-only properties.
/// The source generator builds such objects through an object initializer that assigns every init-only
/// property, so a property left out of the JSON gets <c>default(T)</c> instead of its documented default
/// (dotnet/runtime#84484): <c>alert_config</c> without <c>repeat_interval</c> would read as 00:00:00 and be
/// refused. Reflection sets only the properties present. Applies to types of the <c>Scouter</c>
/// namespace of this assembly (profiles and configs), never to records, which stay source-generated.
/// </summary>
internal sealed class InitOnlyDefaultsResolver : IJsonTypeInfoResolver
{
    private static readonly DefaultJsonTypeInfoResolver Reflection = new();
    private static readonly ConcurrentDictionary<Type, bool> Applies = new();

    public static InitOnlyDefaultsResolver Instance { get; } = new();

    public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options) =>
        Applies.GetOrAdd(type, HasOptionalInitOnlyProperty) ? Reflection.GetTypeInfo(type, options) : null;

    private static bool HasOptionalInitOnlyProperty(Type type) =>
        type.Assembly == typeof(InitOnlyDefaultsResolver).Assembly
        && type.Namespace == nameof(Scouter)
        && !type.IsAbstract
        && type.GetConstructor(Type.EmptyTypes) is not null
        && type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Any(p =>
            p.SetMethod is { IsPublic: true } setter
            && setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit))
            && !p.IsDefined(typeof(RequiredMemberAttribute), inherit: true));
}

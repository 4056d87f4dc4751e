using System.Reflection;
using System.Text.Json.Serialization;

namespace Scouter;

/// <summary>The wire (snake_case) name of an enum member, as written in JSON.</summary>
internal static class EnumNames
{
    public static string Of<T>(T value) where T : struct, Enum => Cache<T>.Names[value];

    private static class Cache<T> where T : struct, Enum
    {
        public static readonly Dictionary<T, string> Names = Enum.GetValues<T>().ToDictionary(
            v => v,
            v => typeof(T).GetField(v.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? v.ToString());
    }
}

namespace Scouter.Data;

/// <summary>
/// The member name of an enum value (what <see cref="Enum.ToString()"/> returns), cached per type so
/// that turning an enum into a category neither boxes nor allocates for defined values.
/// </summary>
internal static class EnumText<TEnum>
    where TEnum : struct, Enum
{
    private static readonly Dictionary<TEnum, string> s_names = Build();

    public static string Get(TEnum value) => s_names.TryGetValue(value, out var name) ? name : value.ToString();

    private static Dictionary<TEnum, string> Build()
    {
        var names = new Dictionary<TEnum, string>();
        foreach (var value in Enum.GetValues<TEnum>()) names.TryAdd(value, value.ToString());
        return names;
    }
}

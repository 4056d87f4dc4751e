using System.Numerics;

namespace Scouter.Data;

/// <summary>
/// The conversions the compiled accessors call: member value → double (numeric) or → category
/// string (categorical). Generic over the member type so the JIT specializes them; no boxing.
/// </summary>
internal static class ValueConversions
{
    public static double Number<TNumber>(TNumber value)
        where TNumber : struct, INumberBase<TNumber> => double.CreateTruncating(value);

    public static double NullableNumber<TNumber>(TNumber? value)
        where TNumber : struct, INumberBase<TNumber> => value.HasValue ? double.CreateTruncating(value.GetValueOrDefault()) : double.NaN;

    public static string Bool(bool value) => value ? "true" : "false";

    public static string? NullableBool(bool? value) => value.HasValue ? Bool(value.GetValueOrDefault()) : null;

    public static string EnumName<TEnum>(TEnum value)
        where TEnum : struct, Enum => EnumText<TEnum>.Get(value);

    public static string? NullableEnumName<TEnum>(TEnum? value)
        where TEnum : struct, Enum => value.HasValue ? EnumText<TEnum>.Get(value.GetValueOrDefault()) : null;
}

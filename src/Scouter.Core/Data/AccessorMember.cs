using System.Reflection;

namespace Scouter.Data;

/// <summary>A public property or field of a row type that becomes a feature/column.</summary>
/// <param name="Name">The feature/column name: the <see cref="FeatureNameAttribute"/> name, else the member name.</param>
/// <param name="Member">The property or field.</param>
/// <param name="ValueType">Its type.</param>
/// <param name="Kind">Numeric or categorical.</param>
/// <param name="Renamed">True when <see cref="Name"/> comes from a <see cref="FeatureNameAttribute"/> (a naming policy does not apply).</param>
internal sealed record AccessorMember(string Name, MemberInfo Member, Type ValueType, FeatureKind Kind, bool Renamed)
{
    private static readonly HashSet<Type> NumberTypes =
    [
        typeof(double), typeof(float), typeof(decimal),
        typeof(int), typeof(long), typeof(short), typeof(sbyte),
        typeof(uint), typeof(ulong), typeof(ushort), typeof(byte),
    ];

    /// <summary>
    /// The supported public readable instance properties, then public instance fields, of
    /// <paramref name="type"/>: base-class members first, each type's in declaration order. A member
    /// hidden with <c>new</c> appears once, as the most derived declaration. Names are not checked
    /// here (see <see cref="AccessorSet{T}"/>), so discovery never throws.
    /// </summary>
    public static AccessorMember[] Discover(Type type)
    {
        var result = new List<AccessorMember>();
        var names = new HashSet<string>(StringComparer.Ordinal);

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is { IsPublic: true })
            .OrderByDescending(p => Depth(p.DeclaringType)); // most derived first, so it wins the name
        var candidates = new List<(MemberInfo Member, Type Type)>();
        foreach (var p in properties)
        {
            if (names.Add(p.Name)) candidates.Add((p, p.PropertyType));
        }
        foreach (var f in type.GetFields(BindingFlags.Public | BindingFlags.Instance).OrderByDescending(f => Depth(f.DeclaringType)))
        {
            if (names.Add(f.Name)) candidates.Add((f, f.FieldType));
        }

        foreach (var (member, memberType) in candidates
            .OrderBy(c => c.Member is PropertyInfo ? 0 : 1)
            .ThenBy(c => Depth(c.Member.DeclaringType))
            .ThenBy(c => c.Member.MetadataToken))
        {
            if (Classify(memberType) is not { } kind) continue;
            var renamed = member.GetCustomAttribute<FeatureNameAttribute>(inherit: true)?.Name;
            result.Add(new AccessorMember(renamed ?? member.Name, member, memberType, kind, renamed is not null));
        }
        return [.. result];
    }

    /// <summary>Numeric for numbers (and their nullables); categorical for string, bool and enums (and nullables); null otherwise.</summary>
    public static FeatureKind? Classify(Type type)
    {
        if (type == typeof(string)) return FeatureKind.Categorical;
        var core = Nullable.GetUnderlyingType(type) ?? type;
        if (NumberTypes.Contains(core)) return FeatureKind.Numeric;
        if (core == typeof(bool) || core.IsEnum) return FeatureKind.Categorical;
        return null;
    }

    private static int Depth(Type? type)
    {
        var depth = 0;
        for (var t = type; t is not null; t = t.BaseType) depth++;
        return depth;
    }
}

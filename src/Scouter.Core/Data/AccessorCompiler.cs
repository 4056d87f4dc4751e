using System.Linq.Expressions;
using System.Reflection;

namespace Scouter.Data;

/// <summary>
/// Compiles, once per row type, the delegates that read its members: one delegate fills a whole
/// <see cref="Feature"/>[] / <see cref="Metric"/>[] / table row, so a call costs one delegate
/// invocation and no reflection.
/// </summary>
internal static class AccessorCompiler
{
    private static readonly MethodInfo NumberMethod = Method(nameof(ValueConversions.Number));
    private static readonly MethodInfo NullableNumberMethod = Method(nameof(ValueConversions.NullableNumber));
    private static readonly MethodInfo BoolMethod = Method(nameof(ValueConversions.Bool));
    private static readonly MethodInfo NullableBoolMethod = Method(nameof(ValueConversions.NullableBool));
    private static readonly MethodInfo EnumNameMethod = Method(nameof(ValueConversions.EnumName));
    private static readonly MethodInfo NullableEnumNameMethod = Method(nameof(ValueConversions.NullableEnumName));
    private static readonly ConstructorInfo NumericFeature = typeof(Feature).GetConstructor([typeof(string), typeof(double)])!;
    private static readonly ConstructorInfo TextFeature = typeof(Feature).GetConstructor([typeof(string), typeof(string)])!;
    private static readonly ConstructorInfo MetricCtor = typeof(Metric).GetConstructor([typeof(string), typeof(double)])!;

    /// <summary><c>(value, features) => { features[0] = new Feature("A", value.A); ... }</c></summary>
    public static Action<T, Feature[]> FeatureFiller<T>(IReadOnlyList<AccessorMember> members)
    {
        var value = Expression.Parameter(typeof(T), "value");
        var features = Expression.Parameter(typeof(Feature[]), "features");
        var body = new List<Expression>(members.Count + 1);
        for (var i = 0; i < members.Count; i++)
        {
            var m = members[i];
            var read = Read(value, m);
            var feature = m.Kind == FeatureKind.Numeric
                ? Expression.New(NumericFeature, Expression.Constant(m.Name), AsNumber(read))
                : Expression.New(TextFeature, Expression.Constant(m.Name), AsCategory(read));
            body.Add(Expression.Assign(Expression.ArrayAccess(features, Expression.Constant(i)), feature));
        }
        body.Add(Expression.Empty());
        return Expression.Lambda<Action<T, Feature[]>>(Expression.Block(body), value, features).Compile();
    }

    /// <summary><c>(value, metrics) => { metrics[0] = new Metric("A", value.A); ... }</c> over the numeric members.</summary>
    public static Action<T, Metric[]> MetricFiller<T>(IReadOnlyList<AccessorMember> numericMembers)
    {
        var value = Expression.Parameter(typeof(T), "value");
        var metrics = Expression.Parameter(typeof(Metric[]), "metrics");
        var body = new List<Expression>(numericMembers.Count + 1);
        for (var i = 0; i < numericMembers.Count; i++)
        {
            var m = numericMembers[i];
            var metric = Expression.New(MetricCtor, Expression.Constant(m.Name), AsNumber(Read(value, m)));
            body.Add(Expression.Assign(Expression.ArrayAccess(metrics, Expression.Constant(i)), metric));
        }
        body.Add(Expression.Empty());
        return Expression.Lambda<Action<T, Metric[]>>(Expression.Block(body), value, metrics).Compile();
    }

    /// <summary>
    /// <c>(value, row, numbers, categories) => { numbers[0][row] = value.A; categories[0][row] = value.B; ... }</c>,
    /// numeric members numbered in order into <c>numbers</c>, categorical ones into <c>categories</c>.
    /// </summary>
    public static Action<T, int, double[][], string?[][]> RowFiller<T>(IReadOnlyList<AccessorMember> members)
    {
        var value = Expression.Parameter(typeof(T), "value");
        var row = Expression.Parameter(typeof(int), "row");
        var numbers = Expression.Parameter(typeof(double[][]), "numbers");
        var categories = Expression.Parameter(typeof(string?[][]), "categories");
        var body = new List<Expression>(members.Count + 1);
        int numeric = 0, categorical = 0;
        foreach (var m in members)
        {
            var read = Read(value, m);
            var cell = m.Kind == FeatureKind.Numeric
                ? Expression.ArrayAccess(Expression.ArrayIndex(numbers, Expression.Constant(numeric++)), row)
                : Expression.ArrayAccess(Expression.ArrayIndex(categories, Expression.Constant(categorical++)), row);
            body.Add(Expression.Assign(cell, m.Kind == FeatureKind.Numeric ? AsNumber(read) : AsCategory(read)));
        }
        body.Add(Expression.Empty());
        return Expression.Lambda<Action<T, int, double[][], string?[][]>>(Expression.Block(body), value, row, numbers, categories).Compile();
    }

    private static MemberExpression Read(Expression instance, AccessorMember member) => Expression.MakeMemberAccess(instance, member.Member);

    private static MethodCallExpression AsNumber(Expression value)
    {
        var underlying = Nullable.GetUnderlyingType(value.Type);
        return underlying is null
            ? Expression.Call(NumberMethod.MakeGenericMethod(value.Type), value)
            : Expression.Call(NullableNumberMethod.MakeGenericMethod(underlying), value);
    }

    private static Expression AsCategory(Expression value)
    {
        if (value.Type == typeof(string)) return value;
        if (value.Type == typeof(bool)) return Expression.Call(BoolMethod, value);
        if (value.Type == typeof(bool?)) return Expression.Call(NullableBoolMethod, value);
        var underlying = Nullable.GetUnderlyingType(value.Type);
        return underlying is null
            ? Expression.Call(EnumNameMethod.MakeGenericMethod(value.Type), value)
            : Expression.Call(NullableEnumNameMethod.MakeGenericMethod(underlying), value);
    }

    private static MethodInfo Method(string name) =>
        typeof(ValueConversions).GetMethod(name, BindingFlags.Public | BindingFlags.Static)
        ?? throw new MissingMethodException(nameof(ValueConversions), name);
}

namespace Scouter;

/// <summary>
/// Gives a property or field of an <see cref="IFeatureSource"/> / <see cref="IMetricSource"/> type
/// (or of a row type read by <see cref="Data.ColumnTable.FromObjects{T}(IEnumerable{T})"/>) the
/// feature, metric or column name <see cref="Name"/> instead of its member name, e.g.
/// <c>[FeatureName("credit_score")] double CreditScore</c>. The name is used exactly as given; a
/// naming policy passed to <c>ToFeatures(policy)</c> or set as
/// <c>ScouterQueueOptions.FeatureNamingPolicy</c> does not apply to it.
/// </summary>
/// <param name="name">The name; must not be empty or white space (checked when the type's accessors are first used).</param>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false, Inherited = true)]
public sealed class FeatureNameAttribute(string name) : Attribute
{
    /// <summary>The feature, metric or column name.</summary>
    public string Name { get; } = name;
}

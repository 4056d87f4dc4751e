namespace Scouter.Data;

public sealed partial class ColumnTable
{
    /// <summary>Builds a <see cref="ColumnTable"/> column by column, mixing numeric and categorical columns.</summary>
    /// <example><code>
    /// var table = new ColumnTable.Builder()
    ///     .AddNumeric("age", ages)
    ///     .AddCategorical("city", cities)
    ///     .Build();
    /// </code></example>
#pragma warning disable CA1034 // Nested on purpose: ColumnTable.Builder reads as the table's own builder.
    public sealed class Builder
#pragma warning restore CA1034
    {
        private readonly List<Column> _columns = [];

        /// <summary>Adds a numeric column; NaN and ±infinity are missing values. The array is not copied.</summary>
        public Builder AddNumeric(string name, double[] values)
        {
            ArgumentNullException.ThrowIfNull(name);
            _columns.Add(new NumericColumn(name, values ?? throw NullValues(name)));
            return this;
        }

        /// <summary>Adds a categorical column; null and blank strings are missing values. The array is not copied.</summary>
        public Builder AddCategorical(string name, string?[] values)
        {
            ArgumentNullException.ThrowIfNull(name);
            _columns.Add(new CategoricalColumn(name, values ?? throw NullValues(name)));
            return this;
        }

        /// <summary>The table of the columns added so far, in the order added.</summary>
        /// <exception cref="ScouterDataException">No columns, an empty or duplicate name, or columns of different lengths.</exception>
        public ColumnTable Build() => new([.. _columns]);

        private static ScouterDataException NullValues(string name) => new("the column's values are null", column: name);
    }
}

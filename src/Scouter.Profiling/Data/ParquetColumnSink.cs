using System.Numerics;
using Parquet;
using Parquet.Schema;

namespace Scouter.Data;

/// <summary>
/// Receives one Parquet column row group by row group into the final, exactly sized array. Typed per
/// physical CLR type so values are converted without boxing; the per-group buffer is reused.
/// </summary>
internal abstract class ParquetColumnSink
{
    /// <summary>Whether a top-level column of this CLR type can be read (numbers, strings, bools).</summary>
    public static bool IsSupported(Type clrType) => Create(clrType, forceCategorical: false, rows: 0) is not null;

    /// <summary>A sink for <paramref name="clrType"/>, or null when the type is not supported.</summary>
    public static ParquetColumnSink? Create(Type clrType, bool forceCategorical, int rows)
    {
        if (clrType == typeof(double)) return Number<double>(forceCategorical, rows);
        if (clrType == typeof(float)) return Number<float>(forceCategorical, rows);
        if (clrType == typeof(int)) return Number<int>(forceCategorical, rows);
        if (clrType == typeof(long)) return Number<long>(forceCategorical, rows);
        if (clrType == typeof(decimal)) return Number<decimal>(forceCategorical, rows);
        if (clrType == typeof(short)) return Number<short>(forceCategorical, rows);
        if (clrType == typeof(sbyte)) return Number<sbyte>(forceCategorical, rows);
        if (clrType == typeof(byte)) return Number<byte>(forceCategorical, rows);
        if (clrType == typeof(ushort)) return Number<ushort>(forceCategorical, rows);
        if (clrType == typeof(uint)) return Number<uint>(forceCategorical, rows);
        if (clrType == typeof(ulong)) return Number<ulong>(forceCategorical, rows);
        if (clrType == typeof(bool)) return new BoolSink(rows);
        if (clrType == typeof(string) || clrType == typeof(ReadOnlyMemory<char>)) return new StringSink(rows);
        return null;
    }

    /// <summary>Reads <paramref name="count"/> values of <paramref name="field"/> from <paramref name="group"/> into rows starting at <paramref name="offset"/>.</summary>
    public abstract ValueTask ReadAsync(ParquetRowGroupReader group, DataField field, int offset, int count, CancellationToken cancellationToken);

    /// <summary>The filled column.</summary>
    public abstract Column ToColumn(string name);

    private static ParquetColumnSink Number<TNumber>(bool forceCategorical, int rows)
        where TNumber : struct, INumberBase<TNumber> =>
        forceCategorical ? new NumberCategorySink<TNumber>(rows) : new NumberSink<TNumber>(rows);

    private abstract class Buffered<TValue> : ParquetColumnSink
        where TValue : struct
    {
        private TValue?[] _buffer = [];
        private TValue[] _requiredBuffer = [];

        public sealed override async ValueTask ReadAsync(ParquetRowGroupReader group, DataField field, int offset, int count, CancellationToken cancellationToken)
        {
            if (_buffer.Length < count) _buffer = new TValue?[count];
            if (field.MaxDefinitionLevel == 0)
            {
                // A required column is read through the non-nullable overload: Parquet.Net's nullable one
                // takes definition levels from pooled memory it does not clear and never fills for a
                // required column, so stale negative numbers there turned real values into nulls.
                if (_requiredBuffer.Length < count) _requiredBuffer = new TValue[count];
                await group.ReadAsync<TValue>(field, _requiredBuffer.AsMemory(0, count), null, cancellationToken);
                for (var i = 0; i < count; i++) _buffer[i] = _requiredBuffer[i];
            }
            else
            {
                await group.ReadAsync<TValue>(field, _buffer.AsMemory(0, count), null, cancellationToken);
            }
            Store(_buffer.AsSpan(0, count), offset);
        }

        protected abstract void Store(ReadOnlySpan<TValue?> values, int offset);
    }

    private sealed class NumberSink<TNumber>(int rows) : Buffered<TNumber>
        where TNumber : struct, INumberBase<TNumber>
    {
        private readonly double[] _values = new double[rows];

        public override Column ToColumn(string name) => new NumericColumn(name, _values);

        protected override void Store(ReadOnlySpan<TNumber?> values, int offset)
        {
            var target = _values.AsSpan(offset, values.Length);
            for (var i = 0; i < values.Length; i++)
            {
                var value = values[i] is { } v ? double.CreateTruncating(v) : double.NaN;
                target[i] = double.IsFinite(value) ? value : double.NaN;
            }
        }
    }

    private sealed class NumberCategorySink<TNumber>(int rows) : Buffered<TNumber>
        where TNumber : struct, INumberBase<TNumber>
    {
        private readonly string?[] _values = new string?[rows];
        private readonly NumberCategoryKeys _keys = new();

        public override Column ToColumn(string name) => new CategoricalColumn(name, _values);

        protected override void Store(ReadOnlySpan<TNumber?> values, int offset)
        {
            for (var i = 0; i < values.Length; i++)
            {
                _values[offset + i] = values[i] is { } v ? _keys.KeyOf(double.CreateTruncating(v)) : null;
            }
        }
    }

    private sealed class BoolSink(int rows) : Buffered<bool>
    {
        private readonly string?[] _values = new string?[rows];

        public override Column ToColumn(string name) => new CategoricalColumn(name, _values);

        protected override void Store(ReadOnlySpan<bool?> values, int offset)
        {
            for (var i = 0; i < values.Length; i++) _values[offset + i] = ValueConversions.NullableBool(values[i]);
        }
    }

    private sealed class StringSink(int rows) : ParquetColumnSink
    {
        private readonly string?[] _values = new string?[rows];
        private readonly StringInterner _interner = new();
        private string?[] _buffer = [];

        public override Column ToColumn(string name) => new CategoricalColumn(name, _values);

        public override async ValueTask ReadAsync(ParquetRowGroupReader group, DataField field, int offset, int count, CancellationToken cancellationToken)
        {
            if (_buffer.Length < count) _buffer = new string?[count];
            await group.ReadAsync(field, _buffer.AsMemory(0, count), null, cancellationToken);
            for (var i = 0; i < count; i++)
            {
                var text = _buffer[i];
                _values[offset + i] = string.IsNullOrWhiteSpace(text) ? null : _interner.Intern(text);
            }
            Array.Clear(_buffer, 0, count); // let this group's strings go before the next is read
        }
    }
}

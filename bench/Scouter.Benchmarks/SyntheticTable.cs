using Scouter.Data;

namespace Scouter.Benchmarks;

/// <summary>Deterministic numeric test data: columns of normal, log-normal and uniform values.</summary>
internal static class SyntheticTable
{
    public static ColumnTable Create(int rows, int columns, int seed, double shift = 0)
    {
        var random = new Random(seed);
        var builder = new ColumnTable.Builder();
        for (var c = 0; c < columns; c++)
        {
            var values = new double[rows];
            for (var r = 0; r < rows; r++)
            {
                var u1 = 1.0 - random.NextDouble();
                var u2 = random.NextDouble();
                var normal = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                values[r] = (c % 3) switch
                {
                    0 => normal + shift,
                    1 => Math.Exp((normal * 0.5) + shift),
                    _ => (random.NextDouble() * 100) + (shift * 10),
                };
            }
            builder.AddNumeric($"f{c}", values);
        }
        return builder.Build();
    }
}

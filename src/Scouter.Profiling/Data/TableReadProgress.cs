namespace Scouter.Data;

/// <summary>How far reading a table file has got.</summary>
/// <param name="Phase">
/// <see cref="ScanPhase"/> while a CSV file is scanned for row count and column types,
/// <see cref="LoadPhase"/> while values are loaded.
/// </param>
/// <param name="BytesRead">Bytes of the file processed so far in this phase.</param>
/// <param name="TotalBytes">The file size in bytes.</param>
public sealed record TableReadProgress(string Phase, long BytesRead, long TotalBytes)
{
    /// <summary>The CSV first pass: counting rows and deciding column types.</summary>
    public const string ScanPhase = "scan";

    /// <summary>Loading values into columns.</summary>
    public const string LoadPhase = "load";
}

namespace Scouter.Data;

/// <summary>File existence and I/O failures, reported the same way by every reader.</summary>
internal static class FileChecks
{
    /// <summary>The size of <paramref name="path"/>; a missing or empty file is an error naming it.</summary>
    public static long RequireNonEmptyFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new ScouterDataException("file not found", path);
        if (info.Length == 0) throw new ScouterDataException("file is empty", path);
        return info.Length;
    }

    /// <summary>A <see cref="ScouterDataException"/> naming the file for an I/O failure, or null for other exceptions.</summary>
    public static ScouterDataException? FromIoError(Exception error, string path) => error switch
    {
        FileNotFoundException or DirectoryNotFoundException => new ScouterDataException("file not found", path, inner: error),
        IOException or UnauthorizedAccessException => new ScouterDataException($"cannot read the file: {error.Message}", path, inner: error),
        _ => null,
    };
}

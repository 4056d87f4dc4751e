namespace Scouter.Server.Storage;

/// <summary>
/// Creates the server's files that hold secrets (the SQLite database with password and key hashes,
/// the generated JWT signing key) owner-only on Unix: files 0600, directories the server creates
/// 0700. Existing files and directories keep their modes. On Windows the defaults apply.
/// </summary>
internal static class PrivateFiles
{
    /// <summary>Owner read and write: 0600.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Owner read, write and search: 0700.</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> (and missing parents) with mode 0700 unless it exists.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, DirectoryMode);
    }

    /// <summary>Options that create a new file at mode 0600 (failing if it exists), for writing.</summary>
    public static FileStreamOptions CreateNew()
    {
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode;
        return options;
    }

    /// <summary>
    /// Creates <paramref name="path"/> empty at mode 0600 unless it exists, so a library that opens it
    /// afterwards (SQLite, which gives its -wal and -shm files the database file's mode) does not
    /// create it with the process default.
    /// </summary>
    public static void EnsureFile(string path)
    {
        try
        {
            using var _ = new FileStream(path, CreateNew());
        }
        catch (IOException) when (File.Exists(path))
        {
        }
    }
}

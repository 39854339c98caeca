namespace ObjectStore.Storage.Sql;

/// <summary>
/// Space held back on the embedded data directory's file system so that freeing space never needs space first: a
/// delete must grow the SQLite write-ahead log and record a change-log row before anything is freed, so on a full disk
/// it would fail like every write. The reserve is a preallocated file next to the database; a delete that hits a full
/// disk releases it and retries, and a later delete takes it back once the file system has room for it again.
/// </summary>
public sealed class DiskReserve
{
    /// <summary>The default size: room for the WAL frames and change-log rows of many deletes.</summary>
    public const long DefaultSize = 8L << 20;

    private readonly string _path;
    private readonly long _size;

    /// <summary>A reserve of <paramref name="size"/> bytes at <paramref name="path"/> (not created until <see cref="TryRestore"/>).</summary>
    public DiskReserve(string path, long size = DefaultSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        _path = path;
        _size = size;
    }

    // SQLITE_FULL; ENOSPC (an IOException's HResult is the raw errno on Unix); ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.
    private const int SqliteFull = 13;
    private const int Enospc = 28;
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>True when <paramref name="exception"/> or one of its inner exceptions says the disk is full (SQLite or the file system).</summary>
    public static bool IsDiskFull(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: SqliteFull } || e is IOException { HResult: Enospc or WindowsDiskFull or WindowsHandleDiskFull })
                return true;
        }
        return false;
    }

    /// <summary>True while the reserve file holds its space.</summary>
    public bool IsHeld => File.Exists(_path);

    /// <summary>Creates the reserve when it is missing and the file system has room; never throws.</summary>
    public bool TryRestore()
    {
        if (IsHeld) return true;
        try
        {
            // Preallocated (fallocate), not sparse: the blocks are really taken, so deleting the file really frees them.
            using (File.OpenHandle(_path, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, _size)) { }
            return true;
        }
        catch (IOException)
        {
            TryDelete();
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Deletes the reserve to free its space; false when there was none to free.</summary>
    public bool TryRelease() => IsHeld && TryDelete();

    private bool TryDelete()
    {
        try
        {
            File.Delete(_path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}

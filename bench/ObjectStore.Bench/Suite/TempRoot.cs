namespace ObjectStore.Bench.Suite;

/// <summary>The suite's temp directories.</summary>
internal static class TempRoot
{
    /// <summary>A fresh directory under the system temp path.</summary>
    public static string Create(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes a directory tree; a leftover is harmless, so failures are ignored.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

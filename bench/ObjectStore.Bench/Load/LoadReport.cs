namespace ObjectStore.Bench.Load;

/// <summary>Load results as a markdown table and as JSON.</summary>
public static class LoadReport
{
    /// <summary>One markdown table: a row per run and operation type.</summary>
    public static string Markdown(IEnumerable<LoadResult> results) => throw new NotImplementedException();

    /// <summary>Writes <paramref name="results"/> to <paramref name="path"/> as a JSON array.</summary>
    public static Task WriteJsonAsync(string path, IEnumerable<LoadResult> results, CancellationToken ct) => throw new NotImplementedException();

    /// <summary>Reads results written by <see cref="WriteJsonAsync"/>.</summary>
    public static Task<IReadOnlyList<LoadResult>> ReadJsonAsync(string path, CancellationToken ct) => throw new NotImplementedException();
}

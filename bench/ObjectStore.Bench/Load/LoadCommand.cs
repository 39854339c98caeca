namespace ObjectStore.Bench.Load;

/// <summary>The <c>load</c> command: parse, create the target, run, print the table, write the JSON.</summary>
internal static class LoadCommand
{
    /// <summary>Runs the command; 0 when every operation succeeded, 1 when any failed (or the target failed before measuring), 2 on bad options.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        LoadOptions options;
        try
        {
            options = LoadOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync(LoadOptions.Usage);
            return 2;
        }

        LoadResult result;
        try
        {
            await using var target = await LoadTargets.CreateAsync(options.Target, LoadRunner.RequestsInFlight(options.Spec), ct);
            result = await LoadRunner.RunAsync(options.Spec, target, error, ct);
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"Option --target: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException or Npgsql.NpgsqlException or Amazon.Runtime.AmazonServiceException)
        {
            // The target is unreachable or the prefill failed: nothing was measured.
            await error.WriteLineAsync($"load failed before measuring: {LoadRun.Describe(e)}");
            return 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await error.WriteLineAsync("load cancelled: nothing reported; objects written so far stay until their TTL");
            return 1;
        }
        await output.WriteLineAsync(LoadReport.Markdown([result]));
        if (options.JsonPath is not null) await LoadReport.WriteJsonAsync(options.JsonPath, [result], ct);
        return result.Failed ? 1 : 0;
    }
}

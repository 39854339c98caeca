using ObjectStore.Client;

namespace ObjectStore.Silo.ClientCli;

/// <summary>What each client command does once the command line is understood.</summary>
internal static class Transfers
{
    public static async Task<int> PutAsync(ObjectStoreSession session, string file, string? key, ProgressBar? progress, CancellationToken cancellationToken)
    {
        var options = new PutOptions { Key = key, Progress = progress };
        string stored;
        if (file == "-")
        {
            await using var stdin = Console.OpenStandardInput();
            stored = await session.PutAsync(stdin, options, cancellationToken);
        }
        else
        {
            if (!File.Exists(file)) throw new UsageException($"no such file: {file}");
            progress?.Start(new FileInfo(file).Length);
            stored = await session.PutFileAsync(file, options with { Filename = Path.GetFileName(file) }, cancellationToken);
        }
        progress?.Finish();
        Console.WriteLine(stored);
        return ClientCommands.Ok;
    }

    public static async Task<int> GetAsync(ObjectStoreSession session, string key, string? output, ProgressBar? progress, CancellationToken cancellationToken)
    {
        await using var result = await session.GetAsync(key, new GetOptions { Progress = progress }, cancellationToken);
        if (result is null)
        {
            Console.Error.WriteLine($"objectstore: not found: {key}");
            return ClientCommands.NotFound;
        }
        progress?.Start(result.ContentLength);
        // Written next to the target and renamed at the end: an interrupted download never looks complete.
        var partial = output is null ? null : output + ".partial";
        try
        {
            await using (var target = partial is null ? Console.OpenStandardOutput() : File.Create(partial))
                await result.Content.CopyToAsync(target, 1024 * 1024, cancellationToken);
            if (partial is not null) File.Move(partial, output!, overwrite: true);
        }
        catch when (partial is not null)
        {
            File.Delete(partial);
            throw;
        }
        progress?.Finish();
        return ClientCommands.Ok;
    }

    public static async Task<int> HeadAsync(ObjectStoreSession session, string key, CancellationToken cancellationToken)
    {
        var metadata = await session.HeadAsync(key, cancellationToken);
        if (metadata is null)
        {
            Console.Error.WriteLine($"objectstore: not found: {key}");
            return ClientCommands.NotFound;
        }
        Console.WriteLine($"content-type: {metadata.ContentType}");
        Console.WriteLine($"compression: {metadata.Compression.ToString().ToLowerInvariant()}");
        Console.WriteLine($"expiration: {metadata.Expiration}");
        if (metadata.TimeCreated is { } created) Console.WriteLine($"time-created: {created.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ffffffZ}");
        if (metadata.TimeExpires is { } expires) Console.WriteLine($"time-expires: {expires.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ffffffZ}");
        if (metadata.Origin is { } origin) Console.WriteLine($"origin: {origin}");
        if (metadata.Filename is { } filename) Console.WriteLine($"filename: {filename}");
        foreach (var (name, value) in metadata.Custom.OrderBy(c => c.Key, StringComparer.Ordinal)) Console.WriteLine($"x-snme-{name}: {value}");
        return ClientCommands.Ok;
    }
}

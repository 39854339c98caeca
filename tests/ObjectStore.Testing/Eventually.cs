namespace ObjectStore.Testing;

/// <summary>Polls a condition that becomes true asynchronously (membership, background cleanup), failing with what was awaited.</summary>
public static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> holds, at most <paramref name="timeoutMs"/>; throws naming <paramref name="what"/> otherwise.</summary>
    public static async Task True(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {timeoutMs} ms waiting until {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, at most <paramref name="timeoutMs"/>; throws naming <paramref name="what"/> otherwise.</summary>
    public static async Task True(Func<Task<bool>> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {timeoutMs} ms waiting until {what}");
            await Task.Delay(20);
        }
    }
}

using static ObjectStore.Storage.Tests.Sql.OrleansParameter;

namespace ObjectStore.Storage.Tests.Sql;

/// <summary>The grain-state statements, run as Microsoft.Orleans.Persistence.AdoNet's AdoNetGrainStorage runs them.</summary>
public sealed class OrleansGrainStateStatementsTests(OrleansTestDatabase db) : IClassFixture<OrleansTestDatabase>
{
    private sealed record Grain(string ServiceId, string Type, long N0, long N1, string? Extension)
    {
        public OrleansParameter[] Key =>
        [
            Int("GrainIdHash", HashCode.Combine(N0, N1, Extension)), Long("GrainIdN0", N0), Long("GrainIdN1", N1),
            Int("GrainTypeHash", Type.Length), Str("GrainTypeString", Type), Str("GrainIdExtensionString", Extension), Str("ServiceId", ServiceId),
        ];
    }

    private sealed record State(byte[]? Payload, int? Version);

    private static Grain NewGrain(string? extension = null) => new($"service-{Guid.NewGuid():N}", "objectstore.objectgrain", 7, 42, extension);

    private static byte[] Payload(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    // The provider reads zero or one row; a missing row and a NULL payload both mean "no record".
    private async Task<State?> ReadAsync(Grain grain)
    {
        var rows = await db.QueryAsync("ReadFromStorageKey", r =>
        {
            var payload = r.GetOrdinal("PayloadBinary");
            var version = r.GetOrdinal("Version");
            return new State(r.IsDBNull(payload) ? null : (byte[])r.GetValue(payload),
                r.IsDBNull(version) ? null : Convert.ToInt32(r.GetValue(version), System.Globalization.CultureInfo.InvariantCulture));
        }, grain.Key);
        return Assert.Single(rows.DefaultIfEmpty());
    }

    // NewGrainStateVersion, read with the provider's GetNullableInt32; it needs exactly one row.
    private async Task<int?> WriteAsync(Grain grain, int? version, byte[] payload)
    {
        var rows = await db.QueryAsync("WriteToStorageKey", r =>
        {
            var i = r.GetOrdinal("NewGrainStateVersion");
            return r.IsDBNull(i) ? (int?)null : Convert.ToInt32(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
        }, [.. grain.Key, Int("GrainStateVersion", version), Bytes("PayloadBinary", payload)]);
        return Assert.Single(rows);
    }

    // Clear and Delete: the provider reads column 0 with GetValue(0).ToString(); "" (DBNull) is a conflict.
    private async Task<string> ClearAsync(string key, Grain grain, int? version)
    {
        var rows = await db.QueryAsync(key, r => r.GetValue(0).ToString()!, [.. grain.Key, Int("GrainStateVersion", version)]);
        return Assert.Single(rows);
    }

    [Fact]
    public async Task Missing_state_reads_as_no_row()
    {
        Assert.Null(await ReadAsync(NewGrain()));
    }

    [Fact]
    public async Task First_write_returns_version_1_and_read_returns_it_with_the_payload()
    {
        var grain = NewGrain();

        Assert.Equal(1, await WriteAsync(grain, null, Payload("one")));
        Assert.Equal(2, await WriteAsync(grain, 1, Payload("two")));

        var state = await ReadAsync(grain);
        Assert.Equal(Payload("two"), state!.Payload);
        Assert.Equal(2, state.Version);
    }

    [Fact]
    public async Task Stale_write_is_refused_and_keeps_the_state()
    {
        var grain = NewGrain();
        Assert.Equal(1, await WriteAsync(grain, null, Payload("one")));
        Assert.Equal(2, await WriteAsync(grain, 1, Payload("two")));

        Assert.Null(await WriteAsync(grain, 1, Payload("stale")));
        Assert.Null(await WriteAsync(grain, 3, Payload("future")));
        Assert.Null(await WriteAsync(grain, null, Payload("as if new")));

        var state = await ReadAsync(grain);
        Assert.Equal(Payload("two"), state!.Payload);
        Assert.Equal(2, state.Version);
    }

    [Fact]
    public async Task Concurrent_writes_on_one_version_let_exactly_one_win()
    {
        var grain = NewGrain();
        Assert.Equal(1, await WriteAsync(grain, null, Payload("one")));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => WriteAsync(grain, 1, Payload($"w{i}")))));

        Assert.Equal(2, Assert.Single(results, r => r is not null));
        Assert.Equal(2, (await ReadAsync(grain))!.Version);
    }

    [Fact]
    public async Task Concurrent_first_writes_let_exactly_one_win()
    {
        var grain = NewGrain();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => WriteAsync(grain, null, Payload($"w{i}")))));

        Assert.Equal(1, Assert.Single(results, r => r is not null));
    }

    [Fact]
    public async Task Key_extension_null_and_empty_and_other_keys_are_distinct_grains()
    {
        var plain = NewGrain();
        var empty = plain with { Extension = "" };
        var other = plain with { N1 = 43 };
        var otherType = plain with { Type = "objectstore.othergrain" };

        Assert.Equal(1, await WriteAsync(plain, null, Payload("plain")));
        Assert.Equal(1, await WriteAsync(empty, null, Payload("empty")));
        Assert.Equal(1, await WriteAsync(other, null, Payload("other")));
        Assert.Equal(1, await WriteAsync(otherType, null, Payload("type")));

        Assert.Equal(Payload("plain"), (await ReadAsync(plain))!.Payload);
        Assert.Equal(Payload("empty"), (await ReadAsync(empty))!.Payload);
        Assert.Equal(Payload("other"), (await ReadAsync(other))!.Payload);
        Assert.Equal(Payload("type"), (await ReadAsync(otherType))!.Payload);
        Assert.Null(await ReadAsync(plain with { ServiceId = "another-service" }));
    }

    [Fact]
    public async Task Clear_keeps_the_version_counting_and_refuses_a_stale_version()
    {
        var grain = NewGrain();
        Assert.Equal(1, await WriteAsync(grain, null, Payload("one")));

        Assert.Equal("", await ClearAsync("ClearStorageKey", grain, 5));
        Assert.Equal(1, (await ReadAsync(grain))!.Version);

        Assert.Equal("2", await ClearAsync("ClearStorageKey", grain, 1));
        Assert.Equal(new State(null, 2), await ReadAsync(grain));

        // A writer holding the pre-clear ETag is refused; one holding the cleared ETag goes on.
        Assert.Null(await WriteAsync(grain, 1, Payload("stale")));
        Assert.Equal(3, await WriteAsync(grain, 2, Payload("again")));
    }

    [Fact]
    public async Task Delete_removes_the_row_only_with_the_current_version()
    {
        var grain = NewGrain();
        Assert.Equal(1, await WriteAsync(grain, null, Payload("one")));

        Assert.Equal("", await ClearAsync("DeleteStorageKey", grain, 2));
        Assert.NotNull(await ReadAsync(grain));

        var result = await ClearAsync("DeleteStorageKey", grain, 1);
        // Success is any value other than NULL, "" and the ETag sent.
        Assert.NotEqual("", result);
        Assert.NotEqual("1", result);
        Assert.Null(await ReadAsync(grain));
        Assert.Equal(1, await WriteAsync(grain, null, Payload("fresh")));
    }
}

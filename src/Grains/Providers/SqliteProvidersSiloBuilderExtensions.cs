using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using ObjectStore.Storage.Sql;

namespace ObjectStore.Grains.Providers;

/// <summary>Registers the SQLite reminder table and grain storage on a silo (the embedded default).</summary>
public static class SqliteProvidersSiloBuilderExtensions
{
    /// <summary>Keeps reminders in the cluster state that <paramref name="clusterState"/> resolves (the silo's HV file).</summary>
    public static ISiloBuilder UseSqliteReminderService(this ISiloBuilder builder, Func<IServiceProvider, SqliteClusterState> clusterState)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(clusterState);
        builder.AddReminders();
        builder.Services.AddSingleton<IReminderTable>(sp => new SqliteReminderTable(clusterState(sp), sp.GetRequiredService<IOptions<ClusterOptions>>()));
        return builder;
    }

    /// <summary>Keeps reminders in the SQLite file at <paramref name="path"/> (created and migrated if missing).</summary>
    public static ISiloBuilder UseSqliteReminderService(this ISiloBuilder builder, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return builder.UseSqliteReminderService(sp => OpenClusterState(sp, path));
    }

    /// <summary>
    /// Adds grain storage <paramref name="name"/> on the cluster state that <paramref name="clusterState"/> resolves. The payload
    /// serializer is the <see cref="IGrainStorageSerializer"/> keyed by <paramref name="name"/>, else the silo's default.
    /// </summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Func<IServiceProvider, SqliteClusterState> clusterState)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(clusterState);
        builder.Services.AddGrainStorage(name, (sp, key) => new SqliteGrainStorage(key, clusterState(sp),
            sp.GetKeyedService<IGrainStorageSerializer>(key) ?? sp.GetRequiredService<IGrainStorageSerializer>(),
            sp.GetRequiredService<IActivatorProvider>(), sp.GetRequiredService<IOptions<ClusterOptions>>()));
        return builder;
    }

    /// <summary>Adds grain storage <paramref name="name"/> on the SQLite file at <paramref name="path"/> (created and migrated if missing).</summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return builder.AddSqliteGrainStorage(name, sp => OpenClusterState(sp, path));
    }

    private static SqliteClusterState OpenClusterState(IServiceProvider services, string path) =>
        SqlStorage.OpenSqlite(path, services.GetService<ILoggerFactory>()).ClusterState!;
}

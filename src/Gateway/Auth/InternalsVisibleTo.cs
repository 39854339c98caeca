using System.Runtime.CompilerServices;

// The silo wires the gateway's internal auth and admission types; its tests exercise them directly.
[assembly: InternalsVisibleTo("objectstore")]
[assembly: InternalsVisibleTo("ObjectStore.Silo.Tests")]
[assembly: InternalsVisibleTo("ObjectStore.Client.Tests")]

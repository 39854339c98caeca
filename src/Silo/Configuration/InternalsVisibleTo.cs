using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ObjectStore.Silo.Tests")]
[assembly: InternalsVisibleTo("ObjectStore.Client.Tests")]

using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ObjectStore.Silo.Tests")]

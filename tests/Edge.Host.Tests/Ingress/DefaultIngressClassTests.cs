using Edge.Host.Cluster;
using Edge.Host.Objects;
using Edge.Host.Store;

namespace Edge.Host.Tests.Ingress;

/// <summary>The IngressClass a new cluster starts with, made once per store: the user's edits and deletion stand across restarts.</summary>
[Trait("Category", Category.Unit)]
public sealed class DefaultIngressClassTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-ingressclass-").FullName;

    private string StorePath => Path.Combine(_dir, "lab.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A control plane's start on the store, and what the store holds afterwards (reopened, as after a restart).</summary>
    private KubeObject? StartAndRead(Action<ObjectStore>? before = null)
    {
        using (ObjectStore store = ObjectStore.Open(StorePath))
        {
            before?.Invoke(store);
            DefaultIngressClass.Seed(store);
        }

        using ObjectStore reopened = ObjectStore.Open(StorePath);
        return reopened.Get("IngressClass", "", IngressClasses.EdgeClassName);
    }

    [Fact]
    public void A_new_cluster_gets_the_edge_class_as_its_default()
    {
        KubeObject edge = StartAndRead()!;

        Assert.Equal(IngressClasses.Controller, (string?)edge.Spec!["controller"]);
        Assert.Equal("true", (string?)edge.Metadata["annotations"]![IngressClasses.DefaultClassAnnotation]);
    }

    [Fact]
    public async Task A_control_plane_makes_it_when_it_starts()
    {
        using ObjectStore store = ObjectStore.Open(StorePath);
        await using (var controlPlane = new ControlPlane(store))
        {
            Assert.Null(store.Get("IngressClass", "", IngressClasses.EdgeClassName));
            controlPlane.Start();
        }

        Assert.NotNull(store.Get("IngressClass", "", IngressClasses.EdgeClassName));
    }

    [Fact]
    public void A_class_the_user_deleted_stays_deleted_after_a_restart()
    {
        StartAndRead();

        KubeObject? afterRestart = StartAndRead(store => store.Delete("IngressClass", "", IngressClasses.EdgeClassName));

        Assert.Null(afterRestart);
    }

    [Fact]
    public void A_class_the_user_edited_keeps_the_edit_after_a_restart()
    {
        StartAndRead();

        KubeObject edited = StartAndRead(store =>
        {
            KubeObject edge = store.Get("IngressClass", "", IngressClasses.EdgeClassName)!;
            edge.Metadata["annotations"]!.AsObject().Remove(IngressClasses.DefaultClassAnnotation);
            store.Update(edge);
        })!;

        Assert.False(IngressClasses.IsDefault(edited));
    }

    [Fact]
    public void A_class_of_that_name_the_user_made_first_is_left_as_it_is()
    {
        KubeObject mine = StartAndRead(store =>
        {
            KubeObject other = DefaultIngressClass.New();
            other.Spec!["controller"] = "example.com/mine";
            store.Create(other);
        })!;

        Assert.Equal("example.com/mine", (string?)mine.Spec!["controller"]);
    }
}

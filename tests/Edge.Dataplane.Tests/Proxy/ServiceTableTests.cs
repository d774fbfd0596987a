using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Proxy;

[Trait("Category", Category.Unit)]
public sealed class ServiceTableTests
{
    [Fact]
    public void Random_sets_replaces_and_removes_agree_with_a_dictionary_model()
    {
        Properties.Check(Properties.Bytes(10, 400), ops =>
        {
            var table = new ServiceTable(16);
            var model = new Dictionary<string, (uint Vip, ushort Port)>();
            foreach (byte op in ops)
            {
                string name = "svc" + (op % 24);
                uint vip = 0x0A600000u + (uint)(op % 13);
                ushort port = (ushort)(80 + op % 3);
                if ((op & 0x80) == 0)
                {
                    var service = new Service { Name = name, ClusterIp = vip, Port = port };
                    Service? result = table.Set(service);
                    if (result == null)
                    {
                        Assert.Equal(16, model.Count);
                        Assert.False(model.ContainsKey(name));
                        continue;
                    }

                    model[name] = (vip, port);
                }
                else
                {
                    Assert.Equal(model.Remove(name), table.Remove("default", name, "") != null);
                }

                Assert.Equal(model.Count, table.Count);
                foreach (var (key, value) in model)
                {
                    Assert.Equal(key, table.Find("default", key, "")!.Name);
                    Service? byVip = table.Lookup(value.Vip, value.Port, IpProtocol.Tcp);
                    Assert.NotNull(byVip);
                    Assert.Equal((value.Vip, value.Port), (byVip!.ClusterIp, byVip.Port));
                }
            }
        }, maxTests: 500);
    }

    [Fact]
    public void Headless_and_ExternalName_services_are_kept_but_never_match_a_packet()
    {
        var table = new ServiceTable(4);
        table.Set(new Service { Name = "headless", ClusterIp = 0, Port = 80 });
        table.Set(new Service { Name = "ext", Type = ServiceType.ExternalName, ClusterIp = 0x0A600001, Port = 80 });

        Assert.Equal(2, table.Count);
        Assert.Null(table.Lookup(0, 80, IpProtocol.Tcp));
        Assert.Null(table.Lookup(0x0A600001, 80, IpProtocol.Tcp));
    }
}

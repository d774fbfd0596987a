using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Printing;

namespace Edge.Host.Tests.Printing;

/// <summary>A container's environment in describe pod, as kubectl prints it: sources named, fields resolved, a Secret's value never shown.</summary>
[Trait("Category", Category.Unit)]
public sealed class ContainerEnvDescriptionTests
{
    [Fact]
    public void Env_and_envFrom_print_as_kubectl_prints_them()
    {
        var pod = new KubeObject((JsonObject)JsonNode.Parse("""
            {"kind": "Pod", "metadata": {"name": "web", "namespace": "default"}, "status": {"podIP": "10.244.1.5"},
             "spec": {"containers": [{"name": "app", "image": "whoami",
               "envFrom": [{"configMapRef": {"name": "settings"}}, {"secretRef": {"name": "db", "optional": true}, "prefix": "DB_"}],
               "env": [{"name": "GREETING", "value": "hello"},
                       {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                       {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
                       {"name": "COLOR", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "color", "optional": true}}}]}]}}
            """)!);

        Assert.Equal(string.Join("\n",
            "    Environment Variables from:",
            "      settings  ConfigMap                 Optional: false",
            "      db        Secret with prefix 'DB_'  Optional: true",
            "    Environment:",
            "      GREETING:  hello",
            "      POD_IP:    10.244.1.5 (v1:status.podIP)",
            "      PASSWORD:  <set to the key 'password' in secret 'db'>         Optional: false",
            "      COLOR:     <set to the key 'color' of config map 'settings'>  Optional: true",
            ""), ContainerEnvDescription.Of(pod, (JsonObject)pod.Spec!["containers"]![0]!));
    }

    [Fact]
    public void A_container_without_env_says_none()
    {
        var pod = new KubeObject((JsonObject)JsonNode.Parse("""{"kind": "Pod", "metadata": {"name": "web"}, "spec": {"containers": [{"name": "app", "image": "whoami"}]}}""")!);

        Assert.Equal("    Environment:  <none>\n", ContainerEnvDescription.Of(pod, (JsonObject)pod.Spec!["containers"]![0]!));
    }

    [Fact]
    public void A_resource_the_container_does_not_limit_is_said_to_be_the_nodes_allocatable()
    {
        var pod = new KubeObject((JsonObject)JsonNode.Parse("""
            {"kind": "Pod", "metadata": {"name": "web"}, "spec": {"containers": [{"name": "app", "image": "whoami", "resources": {"limits": {"cpu": "250m"}},
              "env": [{"name": "MEM", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory"}}},
                      {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1m"}}}]}]}}
            """)!);

        Assert.Equal(string.Join("\n",
            "    Environment:",
            "      MEM:  node allocatable (limits.memory)",
            "      CPU:  250 (limits.cpu)",
            ""), ContainerEnvDescription.Of(pod, (JsonObject)pod.Spec!["containers"]![0]!));
    }
}

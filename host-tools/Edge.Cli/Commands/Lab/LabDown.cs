using Edge.Host.Lab;
using Edge.Host.Store;

namespace Edge.Cli.Commands.Lab;

/// <summary>Stops a lab's processes, control plane first (so it does not report its boards as lost); --purge forgets the cluster too.</summary>
public static class LabDown
{
    public static int Run(CliConsole console, string name, bool purge)
    {
        LabState? state = LabState.Load(name);
        if (state == null && !purge)
        {
            throw new CliException($"no lab \"{name}\" on this machine (nothing to stop)");
        }

        if (state != null)
        {
            foreach (LabProcess process in new[] { state.ControlPlane }.Concat(state.Boards).OfType<LabProcess>().Where(p => p.Pid > 0))
            {
                bool stopped = LabProcesses.Stop(process.Pid, TimeSpan.FromSeconds(5));
                console.Out.WriteLine(stopped ? $"✓ stopped {process.Name} (pid {process.Pid})" : $"- {process.Name} was not running");
            }
        }

        if (purge)
        {
            string store = StorePaths.ForCluster(name);
            foreach (string file in new[] { store, store + "-wal", store + "-shm" }.Where(File.Exists))
            {
                File.Delete(file);
            }

            string kubeconfig = UserKubeconfig.PathOf();
            if (UserKubeconfig.Remove(kubeconfig, LabKubeconfig.ContextFor(name)))
            {
                console.Out.WriteLine($"✓ removed context {LabKubeconfig.ContextFor(name)} from {kubeconfig}");
            }

            if (Directory.Exists(LabState.DirectoryFor(name)))
            {
                Directory.Delete(LabState.DirectoryFor(name), recursive: true);
            }

            console.Out.WriteLine($"✓ deleted the cluster's state ({store}) and logs; its key ({Edge.Host.Trust.ClusterKeyFile.PathFor(name)}) is kept, so boards provisioned into it still obey its next control plane");
        }
        else
        {
            console.Out.WriteLine($"The cluster's state is kept: `edgectl lab up` brings it back as it was (`lab down --purge` forgets it).");
        }

        return ExitCodes.Ok;
    }
}

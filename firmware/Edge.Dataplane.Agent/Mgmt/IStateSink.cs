using Edge.Dataplane.Dns;
using Edge.Dataplane.Proxy;

namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// Takes service and DNS entries as a state is decoded, one at a time, before the rest
    /// arrives. The board puts each in its tables at once, so the entry it replaces becomes
    /// garbage before the next is decoded: a state in which every service changed costs a small
    /// board one service more than it holds, not a second copy of them all. (The board's loop is
    /// single-threaded: no packet sees the tables half way.)
    /// </summary>
    public interface IStateSink
    {
        void ServiceArrived(Service service);

        void DnsServiceArrived(DnsService service);
    }
}

namespace Edge.Dataplane.Workloads
{
    /// <summary>
    /// What the board's pods share, as the kubelet's "kubepods" cgroup holds every pod on a node:
    /// the memory their programs asked for against what the board lets them have, and the cpu
    /// shares of the programs that wanted the loop in the last turn. One per board.
    /// </summary>
    public sealed class Kubepods
    {
        /// <summary>Work a turn of the board's loop gives the programs that want all they can get (stress's cpu hogs), shared by their cpu shares.</summary>
        public const int CpuUnitsPerTurn = 1000;

        /// <summary>The cgroup's memory.max: bytes the pods' programs may hold together (the Node's allocatable memory less what the pods themselves hold).</summary>
        public int MemoryMax;

        /// <summary>The cgroup's memory.current: bytes the pods' programs hold now.</summary>
        public int MemoryCurrent;

        // The shares of the programs that wanted the cpu, last turn and this one so far.
        private int _hungryShares;
        private int _hungrySharesNow;

        /// <summary>
        /// A program with <paramref name="shares"/> wants the loop this turn: the units of work it
        /// gets, its part of <see cref="CpuUnitsPerTurn"/> by its shares beside last turn's others.
        /// </summary>
        public int CpuSlice(int shares)
        {
            _hungrySharesNow += shares;
            int all = _hungryShares > shares ? _hungryShares : shares;
            int slice = (int)((long)CpuUnitsPerTurn * shares / all);
            return slice < 1 ? 1 : slice;
        }

        /// <summary>A turn of the loop is over: its hungry programs weigh the next one's slices.</summary>
        public void TurnEnded()
        {
            _hungryShares = _hungrySharesNow;
            _hungrySharesNow = 0;
        }

        /// <summary>
        /// The most units a turn gives a program with a cpu limit of <paramref name="milliCpu"/>
        /// (CFS's quota for a period, a turn being one); 0 for no limit. A program that does not
        /// want the cpu (a server between requests) is never held to it, as CFS throttles only
        /// what runs.
        /// </summary>
        public static int Quota(int milliCpu)
        {
            return milliCpu <= 0 ? 0 : (int)((long)CpuUnitsPerTurn * milliCpu / 1000);
        }

        /// <summary>The kubelet's cpu.shares for a request in millicores: 1024 a core, 2 at the least (a container without a request).</summary>
        public static int Shares(int milliCpu)
        {
            int shares = (int)((long)milliCpu * 1024 / 1000);
            return shares < 2 ? 2 : shares;
        }
    }
}

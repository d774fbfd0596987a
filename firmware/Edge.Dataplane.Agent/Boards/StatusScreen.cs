using Edge.Dataplane.Agent;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Boards
{
    /// <summary>
    /// What a board's small display shows, as 8 lines of 16 characters (a 128x64 SSD1306 in
    /// <see cref="ScreenFont"/>'s 8x8 cells): the node's name, its address, its status, how many
    /// pods it runs, and the pods themselves with their phase, so an attendee can read from
    /// across the table which board is which and what it runs. <see cref="Render"/> says whether
    /// anything changed, so the display (a kilobyte over I2C per refresh) is only redrawn then.
    /// </summary>
    public sealed class StatusScreen
    {
        public const int Columns = 16;
        public const int Rows = 8;
        private const int PodRows = Rows - 4;
        private const int PhaseColumns = 4; // " run", " pnd", " err"

        private char[] _shown = new char[Columns * Rows];
        private char[] _next = new char[Columns * Rows];

        public StatusScreen()
        {
            Fill(_shown, '\0'); // nothing shown yet: the first render is a change
        }

        /// <summary>Lays the screen out; true when it differs from what was last rendered.</summary>
        public bool Render(string name, uint address, int status, RunningPod[] pods, int maxPods)
        {
            Fill(_next, ' ');
            Put(0, 0, name);
            Put(1, 0, address == 0 ? "no address" : Ipv4Address.Format(address));
            Put(2, 0, StatusWord(status));
            int count = pods == null ? 0 : pods.Length;
            if (maxPods > 0) // none before the node runs (still on the network's way up)
            {
                Put(3, 0, "pods " + count.ToString() + "/" + maxPods.ToString());
            }

            // Every pod fits, or the last row says how many more there are.
            int shown = count <= PodRows ? count : PodRows - 1;
            for (int i = 0; i < shown; i++)
            {
                int row = 4 + i;
                Put(row, 0, pods[i].Spec == null ? "" : pods[i].Spec.Name, Columns - PhaseColumns);
                Put(row, Columns - PhaseColumns, PhaseWord(pods[i].Phase));
            }

            if (shown < count)
            {
                Put(Rows - 1, 0, "+" + (count - shown).ToString() + " more");
            }

            bool changed = false;
            for (int i = 0; i < _next.Length; i++)
            {
                if (_next[i] != _shown[i])
                {
                    changed = true;
                    break;
                }
            }

            char[] swap = _shown;
            _shown = _next;
            _next = swap;
            return changed;
        }

        /// <summary>One rendered line, 16 characters.</summary>
        public string Line(int row)
        {
            return new string(_shown, row * Columns, Columns);
        }

        private static string StatusWord(int status)
        {
            switch (status)
            {
                case NodeStatus.Booting: return "booting";
                case NodeStatus.NoLink: return "no link";
                case NodeStatus.WaitingForControlPlane: return "waiting for cp";
                case NodeStatus.Ready: return "ready";
                default: return "fault";
            }
        }

        private static string PhaseWord(int phase)
        {
            switch (phase)
            {
                case PodPhase.Running: return " run";
                case PodPhase.Failed: return " err";
                default: return " pnd";
            }
        }

        private void Put(int row, int column, string text)
        {
            Put(row, column, text, Columns - column);
        }

        // Writes text from a cell, cut to the room given (a name longer than the line ends in '~').
        private void Put(int row, int column, string text, int room)
        {
            int n = text.Length <= room ? text.Length : room;
            int at = (row * Columns) + column;
            for (int i = 0; i < n; i++)
            {
                _next[at + i] = text[i];
            }

            if (text.Length > room && room > 0)
            {
                _next[at + room - 1] = '~';
            }
        }

        private static void Fill(char[] cells, char c)
        {
            for (int i = 0; i < cells.Length; i++)
            {
                cells[i] = c;
            }
        }
    }
}

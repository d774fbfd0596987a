#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Boards;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// A board's settings survive a power cut at any byte of a write: the cut slot is damaged,
    /// the other still holds the settings from before, and the board boots with those (or with
    /// the new ones, once the write got through), never with the defaults.
    /// </summary>
    [TestClass]
    public class SettingsPowerLossTests
    {
        [TestMethod]
        public void A_write_cut_at_any_byte_leaves_the_old_settings_or_the_new_ones()
        {
            int length = RecordLength(Settings("lab-b"));
            for (int saved = 1; saved <= 2; saved++) // the first write after one, and in the steady state of two
            {
                for (int inPlace = 0; inPlace < 2; inPlace++) // a file cut short, or a flash slot overwritten in place
                {
                    for (int cut = 0; cut <= length; cut++)
                    {
                        var flash = new TornStorage();
                        for (int i = 0; i < saved; i++)
                        {
                            Assert.IsTrue(Settings("lab-a").Save(flash));
                        }

                        flash.CutNextWriteAt(cut, inPlace == 1);
                        Settings("lab-b").Save(flash);
                        string problem;
                        BoardSettings booted = BoardSettings.Load(flash, out problem);
                        string where = "cut at byte " + cut.ToString() + (inPlace == 1 ? " in place" : " short") + " after " + saved.ToString() + " saves";
                        Assert.IsNull(problem, where + ": " + problem);
                        // Before the whole record is down, the old settings; a cut in place that left
                        // the slot byte for byte the new record (the tail was the same) is the new one.
                        Assert.IsTrue(booted.Name == "lab-a" || booted.Name == "lab-b", where + ": booted as " + booted.Name);
                        Assert.IsTrue(cut < length || booted.Name == "lab-b", where + ": the whole write, and still " + booted.Name);
                        Assert.IsTrue(booted.Name == "lab-a" || cut >= length || inPlace == 1, where + ": a record cut short read as the new one");
                    }
                }
            }
        }

        [TestMethod]
        public void Writes_take_the_slots_in_turn_and_the_newest_wins()
        {
            var flash = new TornStorage();
            string problem;
            for (int i = 0; i < 5; i++)
            {
                Assert.IsTrue(Settings("lab-" + i.ToString()).Save(flash));
                Assert.AreEqual("lab-" + i.ToString(), BoardSettings.Load(flash, out problem).Name);
                Assert.IsNull(problem);
            }

            Assert.AreEqual(3, flash.Writes(BoardSettings.SlotKey0)); // writes 1, 3, 5
            Assert.AreEqual(2, flash.Writes(BoardSettings.SlotKey1));
        }

        [TestMethod]
        public void A_board_kept_its_one_record_before_the_slots_and_boots_with_it_until_a_slot_is_whole()
        {
            var flash = new TornStorage();
            // The old format: CRC, then the payload (format 1, profile "", name "legacy", DHCP ...).
            var settings = new BoardSettings { Name = "legacy" };
            var w = new Mgmt.PayloadWriter();
            byte[] record = new byte[BoardSettings.MaxRecordBytes];
            w.Begin(record, 4, record.Length);
            settings.Write(w);
            NetworkOrder.WriteU32(record, 0, Mgmt.Crc32.Compute(record, 4, w.Length));
            flash.Write(BoardSettings.StorageKey, record, 0, 4 + w.Length);

            string problem;
            Assert.AreEqual("legacy", BoardSettings.Load(flash, out problem).Name);
            flash.CutNextWriteAt(7, false);
            Settings("lab-a").Save(flash);
            Assert.AreEqual("legacy", BoardSettings.Load(flash, out problem).Name, "the first slot write was cut");
            Assert.IsNull(problem);
            Assert.IsTrue(Settings("lab-a").Save(flash));
            Assert.AreEqual("lab-a", BoardSettings.Load(flash, out problem).Name);
        }

        private static BoardSettings Settings(string name)
        {
            return new BoardSettings { Profile = "wt32-eth01", Name = name, Static = true, Address = Ipv4Address.FromOctets(192, 168, 50, 11), PrefixLength = 24, Gateway = Ipv4Address.FromOctets(192, 168, 50, 1) };
        }

        private static int RecordLength(BoardSettings settings)
        {
            var flash = new TornStorage();
            Assert.IsTrue(settings.Save(flash));
            return flash.Read(BoardSettings.SlotKey0).Length;
        }

        /// <summary>
        /// Storage whose next write can be cut at a byte, as a power loss cuts it: either the
        /// record ends there (a file system's write), or its first bytes are new and the rest
        /// is what the slot held before (flash written in place).
        /// </summary>
        private sealed class TornStorage : IStorage
        {
            private readonly MemoryStorage _records = new MemoryStorage();
            private readonly string[] _keys = new string[] { BoardSettings.SlotKey0, BoardSettings.SlotKey1, BoardSettings.StorageKey };
            private readonly int[] _writes = new int[3];
            private int _cut = -1;
            private bool _inPlace;

            public void CutNextWriteAt(int cut, bool inPlace)
            {
                _cut = cut;
                _inPlace = inPlace;
            }

            public int Writes(string key)
            {
                for (int i = 0; i < _keys.Length; i++)
                {
                    if (_keys[i] == key)
                    {
                        return _writes[i];
                    }
                }

                return 0;
            }

            public byte[] Read(string key)
            {
                return _records.Read(key);
            }

            public bool Write(string key, byte[] buffer, int offset, int length)
            {
                for (int i = 0; i < _keys.Length; i++)
                {
                    if (_keys[i] == key)
                    {
                        _writes[i]++;
                    }
                }

                if (_cut < 0 || _cut >= length)
                {
                    _cut = -1;
                    return _records.Write(key, buffer, offset, length);
                }

                byte[] before = _records.Read(key);
                int kept = _inPlace && before != null && before.Length > _cut ? before.Length : _cut;
                byte[] torn = new byte[kept];
                System.Array.Copy(buffer, offset, torn, 0, _cut);
                if (kept > _cut)
                {
                    System.Array.Copy(before, _cut, torn, _cut, kept - _cut);
                }

                _records.Write(key, torn, 0, torn.Length);
                _cut = -1;
                return false; // the power went
            }
        }
    }
}

from pathlib import Path

import pytest

from resolution.entities.build import build_graph
from resolution.errors import InputFileError
from resolution.models import EntityType, RelationType
from resolution.sources import InputBatch, canonical, detect_format, read_inputs
from resolution.sources.trade import hs_code, is_placeholder, money, source_slug

FIXTURE = Path(__file__).parent / "fixtures" / "trade" / "customs_cn_kp.csv"
SOURCE = "customs-cn-kp"
HEADER = "shipment_id,date,shipper_name,shipper_country,consignee_name,consignee_country,value_usd,hs_code\n"


@pytest.fixture(scope="module")
def batch() -> InputBatch:
    return read_inputs([FIXTURE])


def test_detect_format_says_trade() -> None:
    assert detect_format(FIXTURE) == "trade"


def test_party_and_vessel_records(batch: InputBatch) -> None:
    assert {r.source for r in batch.records} == {SOURCE}
    assert [(r.record_id, r.entity_type.value, r.name, r.country, r.imo) for r in batch.records] == [
        ("DDJH16-0001:shipper", "company", "Dandong Jinhai Industrial Trading Co., Ltd.", "CN", None),
        ("DDJH16-0001:consignee", "company", "Korea Pyongchon Trading Corporation", "KP", None),
        ("DDJH16-0001:notify", "company", "Hunchun Tumen River Logistics Co., Ltd.", "CN", None),
        ("DDJH16-0001:vessel", "vessel", "HAE SONG 7", None, "8612433"),
        ("DDJH16-0002:shipper", "company", "KOREA PYONGCHON TRADING CORP.", "KP", None),
        ("DDJH16-0002:consignee", "company", "DANDONG JINHAI IND. TRADING CO LTD", "CN", None),
        ("DDJH16-0002:vessel", "vessel", "HAE SONG 7", None, "8612433"),
        ("DDJH16-0003:shipper", "company", "Chosun Pyongchon Trading Co", "KP", None),
        ("DDJH16-0003:consignee", "company", "Dandong Jin Hai Industry & Trade Co.,Ltd", "CN", None),
        ("DDJH16-0003:vessel", "vessel", "HAESONG 7", None, "8612433"),
        ("SYHX16-0004:shipper", "company", "Shenyang Huaxin Machinery Import & Export Co., Ltd.", "CN", None),
        ("SYHX16-0004:notify", "company", "Korea Kumsan General Trading Co", "KP", None),
        ("SYHX16-0005:shipper", "company", "KOREA KUMSAN GENERAL TRADING COMPANY", "KP", None),
        ("SYHX16-0005:consignee", "company", "Shenyang Huaxin Machinery Imp. & Exp. Co., Ltd", "CN", None),
        ("SYHX16-0005:vessel", "vessel", "SAM IL PHO 9", None, "8704559"),
        ("DDJH16-0006:shipper", "company", "Dandong Jinhai Industrial Trading Co Ltd", "CN", None),
        ("DDJH16-0006:consignee", "company", "Korea Pyongchon Trading Corporation", "KP", None),
        ("DDJH16-0007:consignee", "company", "Korea Pyongchon Trading Corp", "KP", None),
        ("HCTR16-0009:shipper", "company", "Rason Sonbong Trading Company", "KP", None),
        ("HCTR16-0009:consignee", "company", "Hunchun Tumen River Logistics Co., Ltd.", "CN", None),
        ("HCTR17-0010:shipper", "company", "Hunchun Tumen River Logistics Co Ltd", "CN", None),
        ("HCTR17-0010:consignee", "company", "RASON SONBONG TRADING CO.", "KP", None),
        ("HCTR17-0011:shipper", "company", "Hunchun Tumen River Logistics Co., Ltd.", "CN", None),
        ("HCTR17-0011:consignee", "company", "Rason Sonbong Trading Company", "KP", None),
    ]


def test_records_carry_the_shipment(batch: InputBatch) -> None:
    by_id = {r.record_id: r for r in batch.records}
    shipper = by_id["DDJH16-0001:shipper"]
    assert shipper.address == "No. 18 Binjiang Middle Road, Zhenxing District, Dandong, Liaoning"
    assert shipper.attributes == {
        "shipment_id": "DDJH16-0001", "party_role": "shipper", "date": "2016-03-14", "hs_code": "8703.23",
        "goods_description": "USED PASSENGER MOTOR VEHICLES, 1500-3000CC", "value_usd": "184500.00",
        "weight_kg": "24300", "port_of_lading": "Dalian", "port_of_unlading": "Nampho", "container_count": "3",
    }
    assert by_id["DDJH16-0001:vessel"].attributes["party_role"] == "vessel"
    assert {r.attributes["shipment_id"] for r in batch.records if r.record_id.startswith("DDJH16-0001:")} == {
        "DDJH16-0001"}
    assert by_id["SYHX16-0004:notify"].attributes["party_role"] == "notify"
    # notify party "SAME AS CONSIGNEE" names nobody: no record, no quarantine row
    assert "SYHX16-0005:notify" not in by_id


def test_each_shipment_is_a_traded_with_relation(batch: InputBatch) -> None:
    assert {r.relation for r in batch.relations} == {RelationType.TRADED_WITH}
    assert {r.shipments for r in batch.relations} == {1}
    assert [(r.from_record_id, r.to_record_id, r.start_date, r.end_date, r.value_usd, r.hs_code)
            for r in batch.relations] == [
        ("DDJH16-0001:shipper", "DDJH16-0001:consignee", "2016-03-14", "2016-03-14", 184500.0, "870323"),
        ("DDJH16-0002:shipper", "DDJH16-0002:consignee", "2016-05-12", "2016-05-12", 1250000.0, "2701"),
        ("DDJH16-0003:shipper", "DDJH16-0003:consignee", "2016-06-02", "2016-06-02", 980000.0, "270112"),
        ("SYHX16-0005:shipper", "SYHX16-0005:consignee", "2016-08-30", "2016-08-30", 312000.0, "2601"),
        ("DDJH16-0006:shipper", "DDJH16-0006:consignee", "2016-09-05", "2016-09-05", 96000.0, "8703"),
        ("HCTR16-0009:shipper", "HCTR16-0009:consignee", "2016-11-02", "2016-11-02", 230000.0, "2701"),
        ("HCTR17-0010:shipper", "HCTR17-0010:consignee", "2017-02-03", "2017-02-03", None, "271019"),
    ]


def test_quarantine_names_shipment_and_field(batch: InputBatch) -> None:
    assert [(q.record_id, q.kind, q.field, q.line) for q in batch.quarantine] == [
        ("SYHX16-0004:shipper->?", "relations", "consignee_name", 5),
        ("?->DDJH16-0007:consignee", "relations", "shipper_name", 8),
        ("DDJH16-0002", "records", "shipment_id", 9),
        ("HCTR16-0009:vessel", "records", "imo", 10),
        ("HCTR17-0011:shipper->HCTR17-0011:consignee", "relations", "date", 12),
    ]
    reasons = [q.reason for q in batch.quarantine]
    assert reasons[0] == "names no party ('TO ORDER'): the shipment relation needs a shipper and a consignee"
    assert reasons[1] == "is empty: the shipment relation needs a shipper and a consignee"
    assert reasons[2] == "duplicate shipment id (first read on line 3): first one kept"
    assert "check digit" in reasons[3]
    assert reasons[4] == "impossible month in date '2017-13-45'"
    assert batch.rows_read == 11


def test_shipments_aggregate_per_entity_pair(batch: InputBatch) -> None:
    # Cluster the spellings by hand, as the linker would: shipments then add up per pair.
    def cluster(name: str) -> str:
        lowered = name.lower().replace(" ", "")
        return "jinhai" if "jinhai" in lowered else "pyongchon" if "pyongchon" in lowered else name

    companies = [r for r in batch.records if r.entity_type is EntityType.COMPANY]
    clusters = {r.key: cluster(r.name) for r in companies}
    graph = build_graph(companies, [r for r in batch.relations if r.from_key in clusters], [], clusters, {}, [])
    label = {row["entity_id"]: clusters[f"{row['source']}:{row['record_id']}"] for row in graph.clusters}
    traded = {(label[r["from_id"]], label[r["to_id"]]): r["props"] for r in graph.relations}
    jinhai_to_pyongchon, pyongchon_to_jinhai = traded[("jinhai", "pyongchon")], traded[("pyongchon", "jinhai")]
    assert (jinhai_to_pyongchon["shipments"], jinhai_to_pyongchon["value_usd"]) == (2, 280500.0)
    assert jinhai_to_pyongchon["hs_codes"] == ["8703", "870323"]
    assert (pyongchon_to_jinhai["shipments"], pyongchon_to_jinhai["value_usd"]) == (2, 2230000.0)
    assert (pyongchon_to_jinhai["first_date"], pyongchon_to_jinhai["last_date"]) == ("2016-05-12", "2016-06-02")


def test_ids_are_stable() -> None:
    first, second = read_inputs([FIXTURE]), read_inputs([FIXTURE])
    assert [r.key for r in first.records] == [r.key for r in second.records]
    assert [(r.from_key, r.to_key) for r in first.relations] == [(r.from_key, r.to_key) for r in second.relations]


def test_source_column_overrides_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "Panjiva Export 2016.csv"
    path.write_text("source,shipment_id,shipper_name,consignee_name\n"
                    "panjiva,B1,Dandong Jinhai,Korea Pyongchon\n,B2,Hunchun Tumen,Rason Sonbong\n", encoding="utf-8")
    batch = read_inputs([path])
    assert [r.key for r in batch.records] == [
        "panjiva:B1:shipper", "panjiva:B1:consignee",
        "panjiva-export-2016:B2:shipper", "panjiva-export-2016:B2:consignee",
    ]
    assert len(batch.relations) == 2 and batch.quarantine == []


def test_bad_values_quarantine_the_relation_but_keep_the_parties(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "T1,2016-01-05,Dandong Jinhai,China,Korea Pyongchon,DPRK,-500,2701\n"
                    "T2,2016-01-06,Dandong Jinhai,Atlantis,Korea Pyongchon,DPRK,100,2701\n"
                    ",2016-01-07,Dandong Jinhai,China,Korea Pyongchon,DPRK,100,2701\n"
                    "T4,2016-01-08,Dandong Jinhai,China,Korea Pyongchon,DPRK,100\n", encoding="utf-8")
    batch = read_inputs([path])
    assert [r.record_id for r in batch.records] == ["T1:shipper", "T1:consignee", "T2:consignee"]
    assert batch.relations == []
    assert [(q.record_id, q.field) for q in batch.quarantine] == [
        ("T1:shipper->T1:consignee", "value_usd"),
        ("T2:shipper", "country"),
        ("?", "shipment_id"),
        ("T4", "<row>"),
        ("T2:shipper->T2:consignee", "from_record_id"),
    ]
    assert batch.quarantine[3].reason == "row has 7 cells, header has 8"


def test_vessel_imo_without_a_name_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("shipment_id,shipper_name,consignee_name,vessel_name,vessel_imo\nV1,A Co,B Co,,8612433\n",
                    encoding="utf-8")
    batch = read_inputs([path])
    assert [r.record_id for r in batch.records] == ["V1:shipper", "V1:consignee"] and len(batch.relations) == 1
    assert [(q.record_id, q.field) for q in batch.quarantine] == [("V1:vessel", "vessel_name")]


def test_semicolon_trade_file_with_hostile_rows(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"shipment_id;shipper_name;consignee_name;goods_description\n"
                     b"S1;Dandong Jinhai;Korea Pyongchon;coal\n"
                     b"S2;Dandong Jinhai;Korea Pyongchon;" + b"x" * 70_000 + b"\n"
                     b"S3;Caf\xe9 Trading;Korea Pyongchon;coal\n"
                     b"S4;Dandong Jinhai;Korea Pyongchon;c\x00al\n")
    batch = read_inputs([path], format_name="trade")
    assert [r.record_id for r in batch.records] == ["S1:shipper", "S1:consignee"]
    assert [(q.record_id, q.field, q.reason) for q in batch.quarantine] == [
        ("S2", "goods_description", "field longer than 65536 bytes (70000 bytes)"),
        ("S3", "shipper_name", "not valid UTF-8 text"),
        ("S4", "goods_description", "contains a NUL character"),
    ]


def test_a_trade_file_needs_a_shipment_id_column(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("shipper_name,consignee_name\nA,B\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="needs a 'shipment_id' column"):
        read_inputs([path], format_name="trade")


def test_cleaning_helpers() -> None:
    assert source_slug(Path("/data/ImportGenius US 2016.csv")) == "importgenius-us-2016"
    assert [hs_code(v) for v in ("2701.12", " 8703 23 ", "coal", "")] == ["270112", "870323", "coal", None]
    assert [money(v) for v in ("$1,250,000.00", "USD 980 000", "")] == ["1250000.00", "980000", None]
    assert [is_placeholder(v) for v in ("TO ORDER", "To the order of Bank of Dandong", "Same as consignee",
                                        "N/A", "Order Trading Co")] == [True, True, True, True, False]


def test_duplicate_shipment_across_files_of_one_source(tmp_path: Path) -> None:
    text = "source,shipment_id,shipper_name,consignee_name\npanjiva,B1,Dandong Jinhai,Korea Pyongchon\n"
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(text, encoding="utf-8")
    second.write_text(text, encoding="utf-8")
    batch = read_inputs([first, second])
    assert len(batch.records) == 2 and len(batch.relations) == 1
    assert [(q.record_id, q.field, q.reason) for q in batch.quarantine] == [
        ("B1", "shipment_id", "duplicate shipment id (first read in an earlier file): first one kept")]


def test_missing_trade_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read_inputs([tmp_path / "absent.csv"], format_name="trade")


def test_trade_file_read_as_canonical_gets_a_hint(tmp_path: Path) -> None:
    # formats.detect_format reads the header as comma-separated UTF-8: a semicolon trade file
    # falls through to the canonical reader, whose error then says what the file looks like.
    path = tmp_path / "t.csv"
    path.write_text("shipment_id;shipper_name;consignee_name\nS1;A Co;B Co\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="looks like a trade file"):
        canonical.read(path, InputBatch())

package sim

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"

	"github.com/fleetbackup/fleetbackup/pkg/document"
)

// Sizes of the artifact files.
const (
	maxChunk      = 2_000_000 // bytes moved per download step, as icp does
	maxStoreChunk = 1 << 20   // the IC's wasm chunk store holds chunks of at most 1 MiB
	storeChunks   = 2
	// maxContentBytes bounds the memory of a content (1 TiB), so sizes read from an uploaded
	// artifact's metadata cannot overflow.
	maxContentBytes = 1 << 40
)

// content is what a canister holds and what a snapshot captures: its data, named by a digest,
// the size of its memory and the hash of its module. An artifact's bytes depend on nothing else.
type content struct {
	// ID names the data: 64 hex digits, changed by every mutation.
	ID string `json:"id"`
	// Bytes is the memory size; 0 (until a load sets it) means the Config's ArtifactBytes.
	Bytes int64 `json:"bytes"`
	// Module is the module hash in lower-case hex, "" when no module is installed.
	Module string `json:"module_hash"`
}

// initialContent is a canister's content before anything changed it: data named after the
// canister, the module its registry record declares.
func initialContent(m *member) content {
	sum := sha256.Sum256([]byte("fleetbackup-sim content\x00" + m.pid))
	return content{ID: hex.EncodeToString(sum[:]), Module: hex.EncodeToString(m.moduleHash)}
}

// mutated is c after the fleet has used the canister: the same module and size, other data.
func (c content) mutated() content {
	sum := sha256.Sum256([]byte("fleetbackup-sim mutation\x00" + c.ID))
	c.ID = hex.EncodeToString(sum[:])
	return c
}

// artifactFile is one file of a snapshot's artifact directory: literal data (metadata.json) or
// size bytes of a deterministic stream keyed by seed.
type artifactFile struct {
	name string // slash-separated, relative to the artifact directory
	size int64
	seed uint64
	data []byte
}

// read fills buf with the file's bytes starting at off.
func (a *artifactFile) read(buf []byte, off int64) {
	if a.data != nil {
		copy(buf, a.data[off:])
		return
	}
	fill(buf, a.seed, off)
}

type chunkRef struct {
	Hash string `json:"hash"`
}

// metadata is the simulated metadata.json. It depends only on the content a snapshot captured,
// so every snapshot of one content, in any state directory, downloads the same bytes. ContentID
// and ModuleHash are the simulator's own fields: they name the content an upload claims.
type metadata struct {
	Source           string     `json:"source"`
	ContentID        string     `json:"content_id"`
	ModuleHash       string     `json:"module_hash"`
	TotalSizeBytes   uint64     `json:"total_size_bytes"`
	WasmModuleSize   int64      `json:"wasm_module_size"`
	WasmMemorySize   int64      `json:"wasm_memory_size"`
	StableMemorySize int64      `json:"stable_memory_size"`
	WasmChunkStore   []chunkRef `json:"wasm_chunk_store"`
}

// snapshotSource is the metadata source of every simulated artifact.
const snapshotSource = "taken_from_canister"

// artifactLayout lists the artifact files of a content in download order: metadata.json, the
// module, the memories, then the chunk store. The content's size is spread over the binary
// files; the module's bytes follow from the module hash, the others from the content id.
func artifactLayout(c content) ([]artifactFile, error) {
	total := min(max(c.Bytes, 0), maxContentBytes)
	chunk := max(min(total/16, maxStoreChunk), 1)
	module, stable := total/8, total/4
	memory := max(total-module-stable-storeChunks*chunk, 0)
	seed := func(key, name string) uint64 {
		h := sha256.Sum256([]byte(key + "\x00" + name))
		return binary.LittleEndian.Uint64(h[:8])
	}
	files := []artifactFile{
		{name: "wasm_module.bin", size: module, seed: seed("module "+c.Module, "wasm_module")},
		{name: "wasm_memory.bin", size: memory, seed: seed(c.ID, "wasm_memory")},
		{name: "stable_memory.bin", size: stable, seed: seed(c.ID, "stable_memory")},
	}
	meta := metadata{Source: snapshotSource, ContentID: c.ID, ModuleHash: c.Module,
		TotalSizeBytes: uint64(total), WasmModuleSize: module, WasmMemorySize: memory,
		StableMemorySize: stable, WasmChunkStore: []chunkRef{}}
	for i := range storeChunks {
		f := artifactFile{size: chunk, seed: seed(c.ID, "chunk-"+string(rune('0'+i)))}
		hash := f.sha256()
		f.name = "wasm_chunk_store/" + hash + ".bin"
		meta.WasmChunkStore = append(meta.WasmChunkStore, chunkRef{Hash: hash})
		files = append(files, f)
	}
	data, err := document.Marshal(meta)
	if err != nil {
		return nil, err
	}
	head := artifactFile{name: "metadata.json", size: int64(len(data)), data: data}
	return append([]artifactFile{head}, files...), nil
}

// sha256 hashes the file's content, streaming it through a small buffer.
func (a *artifactFile) sha256() string {
	h := sha256.New()
	buf := make([]byte, min(a.size, 64<<10))
	for off := int64(0); off < a.size; {
		n := min(int64(len(buf)), a.size-off)
		a.read(buf[:n], off)
		h.Write(buf[:n])
		off += n
	}
	return hex.EncodeToString(h.Sum(nil))
}

// fill writes the bytes at off.. of the stream keyed by seed: each 8-byte word is a splitmix64
// of its index, so any offset can be generated without the bytes before it.
func fill(buf []byte, seed uint64, off int64) {
	word := uint64(off) / 8
	if skip := int(off % 8); skip != 0 {
		var tmp [8]byte
		binary.LittleEndian.PutUint64(tmp[:], mix(seed, word))
		n := copy(buf, tmp[skip:])
		buf, word = buf[n:], word+1
	}
	for len(buf) >= 8 {
		binary.LittleEndian.PutUint64(buf, mix(seed, word))
		buf, word = buf[8:], word+1
	}
	if len(buf) > 0 {
		var tmp [8]byte
		binary.LittleEndian.PutUint64(tmp[:], mix(seed, word))
		copy(buf, tmp[:])
	}
}

// mix is splitmix64 of the word index, offset by the seed.
func mix(seed, i uint64) uint64 {
	z := seed + (i+1)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

from .api import EvidenceGraph as EvidenceGraph
from .api import load as load
from .core.errors import (
    AmbiguousError as AmbiguousError,
)
from .core.errors import (
    ClaimSyntaxError as ClaimSyntaxError,
)
from .core.errors import (
    DataDirError as DataDirError,
)
from .core.errors import (
    EncodingError as EncodingError,
)
from .core.errors import (
    IntegrityError as IntegrityError,
)
from .core.errors import (
    PartnergraphError as PartnergraphError,
)
from .core.errors import (
    QueryError as QueryError,
)
from .core.errors import (
    SourceParseError as SourceParseError,
)
from .core.errors import (
    StoreError as StoreError,
)
from .core.errors import (
    UnknownKeyError as UnknownKeyError,
)

__version__: str
__all__: list[str]
